package dev.kbpf.elf;

/**
 * The BPF relocation types of LLVM ({@code llvm/BinaryFormat/ELFRelocs/BPF.def}), as documented in
 * the kernel's {@code Documentation/bpf/llvm_reloc.rst}.
 */
enum RelocationType {
    R_BPF_NONE(0),
    /** On {@code lddw}: the address of a map, a global variable or a function. */
    R_BPF_64_64(1),
    /** A 64-bit absolute address in data, e.g. a program in a {@code PROG_ARRAY}'s {@code .values}. */
    R_BPF_64_ABS64(2),
    /** A 32-bit absolute address in data (DWARF). */
    R_BPF_64_ABS32(3),
    /** In {@code .BTF}/{@code .BTF.ext}: for linkers only, nothing to do when loading. */
    R_BPF_64_NODYLD32(4),
    /** On {@code call}: a subprogram or an extern ({@code __ksym}) function. */
    R_BPF_64_32(10);

    final int code;

    RelocationType(int code) { this.code = code; }

    static RelocationType of(int code, String where) {
        for (RelocationType t : values()) if (t.code == code) return t;
        throw new ElfException(where + ": unknown relocation type " + code);
    }
}
