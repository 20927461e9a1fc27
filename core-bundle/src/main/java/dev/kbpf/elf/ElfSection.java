package dev.kbpf.elf;

/**
 * One section header of an ELF64 object ({@code Elf64_Shdr}), with its name resolved and its
 * contents checked to lie inside the file (except {@code SHT_NOBITS}, which has none).
 */
record ElfSection(int index, String name, int type, long flags, int offset, int size, int link, int info, long entsize) {
    static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8, SHT_REL = 9;
    static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;

    boolean isExecutable() { return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0; }

    boolean isNoBits() { return type == SHT_NOBITS; }

    @Override
    public String toString() { return "section " + index + " '" + name + "'"; }
}
