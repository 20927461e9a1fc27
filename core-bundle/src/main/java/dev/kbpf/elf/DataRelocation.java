package dev.kbpf.elf;

/**
 * An address stored in global data by the compiler ({@code R_BPF_64_ABS64}/{@code ABS32} in
 * {@code .data} or {@code .rodata}, e.g. {@code const char *names[] = {"a", "b"};}). libbpf
 * ignores these; kbpf keeps them so the runtime can write the address of the target once it
 * has placed the target map in memory.
 *
 * @param offset       where in this map's value the address goes
 * @param width        8 for ABS64, 4 for ABS32
 * @param targetMap    the index of the map holding the target in {@link BpfObject#maps()}
 * @param targetOffset the target's offset in that map's value
 */
public record DataRelocation(int offset, int width, int targetMap, long targetOffset) {}
