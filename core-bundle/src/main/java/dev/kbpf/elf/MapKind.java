package dev.kbpf.elf;

/** Where a map of an object was declared. */
public enum MapKind {
    /** A BTF-defined map in section {@code .maps} ({@code __uint}, {@code __type}). */
    BTF,
    /** A {@code struct bpf_map_def} in section {@code maps}, from before BTF. */
    LEGACY,
    /** An internal one-element {@code ARRAY} holding a {@code .rodata*}, {@code .data*} or {@code .bss*} section. */
    GLOBAL_DATA
}
