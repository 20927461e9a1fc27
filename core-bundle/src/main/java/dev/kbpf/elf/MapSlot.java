package dev.kbpf.elf;

/**
 * An entry that the object itself puts into a map when it is created: libbpf's declarative
 * {@code .values = { [1] = &prog }} of a {@code PROG_ARRAY}, written by clang as an
 * {@code R_BPF_64_ABS64} relocation in {@code .maps}.
 *
 * @param index  the key (array index)
 * @param target the name of the program (for a {@code PROG_ARRAY}) or map (for a map of maps)
 */
public record MapSlot(int index, String target) {}
