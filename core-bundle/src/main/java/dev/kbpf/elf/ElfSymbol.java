package dev.kbpf.elf;

/** One {@code Elf64_Sym} of the object's symbol table. */
record ElfSymbol(int index, String name, int info, int shndx, long value, long size) {
    static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
    static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
    static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;

    int bind() { return info >>> 4; }

    int type() { return info & 0xf; }

    boolean isUndefined() { return shndx == SHN_UNDEF; }

    @Override
    public String toString() { return "symbol " + index + " '" + name + "'"; }
}
