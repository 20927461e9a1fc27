package dev.kbpf.elf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parts of an ELF64 little-endian relocatable object for {@code EM_BPF} that a BPF loader
 * needs: section headers with names, the symbol table, and relocation sections. Everything is
 * validated up front (bounds, indexes, entry sizes) so later stages can trust it.
 */
final class ElfFile {
    static final int EM_BPF = 247;
    static final int ET_REL = 1;
    private static final int EHDR_SIZE = 64, SHDR_SIZE = 64, SYM_SIZE = 24, REL_SIZE = 16;

    private final ByteSlice file;
    private final List<ElfSection> sections;
    private final List<ElfSymbol> symbols;
    private final ElfSection symtab;

    private ElfFile(ByteSlice file, List<ElfSection> sections, List<ElfSymbol> symbols, ElfSection symtab) {
        this.file = file;
        this.sections = sections;
        this.symbols = symbols;
        this.symtab = symtab;
    }

    static ElfFile parse(byte[] bytes) {
        ByteSlice f = ByteSlice.of(bytes, "ELF file");
        if (bytes.length < EHDR_SIZE) throw new ElfException("not an ELF object: " + bytes.length + " bytes is shorter than the 64-byte ELF64 header");
        if (f.u8(0) != 0x7f || f.u8(1) != 'E' || f.u8(2) != 'L' || f.u8(3) != 'F') throw new ElfException("not an ELF object: bad magic");
        if (f.u8(4) != 2) throw new ElfException("ELF class " + f.u8(4) + " is not ELFCLASS64 (2): BPF objects are 64-bit");
        if (f.u8(5) != 1) throw new ElfException("ELF data encoding " + f.u8(5) + " is not ELFDATA2LSB (1): kbpf loads little-endian BPF objects");
        if (f.u8(6) != 1) throw new ElfException("ELF version " + f.u8(6) + " is not EV_CURRENT (1)");
        int type = f.u16(16);
        if (type != ET_REL) throw new ElfException("ELF type " + type + " is not ET_REL (1): expected an object file from clang -c");
        int machine = f.u16(18);
        if (machine != EM_BPF) throw new ElfException("ELF machine " + machine + " is not EM_BPF (247)");
        long shoff = f.u64(40);
        int shentsize = f.u16(58);
        int shnum = f.u16(60);
        int shstrndx = f.u16(62);
        if (shnum == 0) throw new ElfException("ELF object has no section headers (e_shnum 0)");
        if (shentsize != SHDR_SIZE) throw new ElfException("ELF section header size " + shentsize + " is not 64");
        if (shoff < 0 || shoff > bytes.length) throw new ElfException("section header table offset " + Long.toUnsignedString(shoff) + " is outside the file (" + bytes.length + " bytes)");
        ByteSlice shdrs = f.slice(shoff, (long) shnum * SHDR_SIZE, "section header table");
        if (shstrndx >= shnum) throw new ElfException("section name table index " + shstrndx + " is out of range (" + shnum + " sections)");

        // First pass: raw headers; names need the section name table, which is one of them.
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            long b = (long) i * SHDR_SIZE;
            raw[i] = new long[] {shdrs.u32(b), shdrs.u32(b + 4), shdrs.u64(b + 8), shdrs.u64(b + 24), shdrs.u64(b + 32),
                    shdrs.u32(b + 40), shdrs.u32(b + 44), shdrs.u64(b + 56)};
        }
        ByteSlice shstrtab = contents(f, shstrndx, raw[shstrndx], "section name table");
        List<ElfSection> sections = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = i == 0 ? "" : stringAt(shstrtab, r[0], "name of section " + i);
            int stype = (int) r[1];
            long size = r[4];
            long offset = r[3];
            if (stype != ElfSection.SHT_NOBITS && stype != ElfSection.SHT_NULL) {
                if (offset < 0 || size < 0 || offset > bytes.length || size > bytes.length - offset) {
                    throw new ElfException("section " + i + " '" + name + "': contents [" + Long.toUnsignedString(offset) + ", +"
                            + Long.toUnsignedString(size) + ") lie outside the file (" + bytes.length + " bytes)");
                }
            } else if (size < 0 || size > Integer.MAX_VALUE) {
                throw new ElfException("section " + i + " '" + name + "': size " + Long.toUnsignedString(size) + " is too large");
            }
            if (r[5] >= shnum && (stype == ElfSection.SHT_REL || stype == ElfSection.SHT_SYMTAB || stype == ElfSection.SHT_RELA)) {
                throw new ElfException("section " + i + " '" + name + "': link " + r[5] + " is not a section (" + shnum + " sections)");
            }
            sections.add(new ElfSection(i, name, stype, r[2], stype == ElfSection.SHT_NOBITS ? 0 : (int) offset, (int) size,
                    (int) r[5], (int) Math.min(r[6], Integer.MAX_VALUE), r[7]));
        }

        ElfSection symtab = null;
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_SYMTAB) {
                if (symtab != null) throw new ElfException("ELF object has more than one symbol table");
                symtab = s;
            }
        }
        if (symtab == null) throw new ElfException("ELF object has no symbol table (.symtab)");
        List<ElfSymbol> symbols = readSymbols(f, sections, symtab);
        ElfFile elf = new ElfFile(f, Collections.unmodifiableList(sections), symbols, symtab);
        for (ElfSection s : sections) if (s.type() == ElfSection.SHT_REL) elf.checkRelSection(s);
        return elf;
    }

    private static ByteSlice contents(ByteSlice f, int index, long[] r, String what) {
        if (r[1] == ElfSection.SHT_NOBITS) throw new ElfException(what + " (section " + index + ") has no contents");
        return f.slice(r[3], r[4], what + " (section " + index + ")");
    }

    private static String stringAt(ByteSlice table, long off, String what) {
        if (off >= table.length()) throw new ElfException(what + ": string offset " + off + " is outside " + table.what() + " (" + table.length() + " bytes)");
        return table.cString(off);
    }

    private static List<ElfSymbol> readSymbols(ByteSlice f, List<ElfSection> sections, ElfSection symtab) {
        if (symtab.entsize() != SYM_SIZE) throw new ElfException("symbol table entry size " + symtab.entsize() + " is not 24");
        if (symtab.size() % SYM_SIZE != 0) throw new ElfException("symbol table size " + symtab.size() + " is not a multiple of 24");
        ElfSection strtab = sections.get(symtab.link());
        if (strtab.type() != ElfSection.SHT_STRTAB) throw new ElfException("symbol table's string table " + strtab + " is not a string table");
        ByteSlice strings = f.slice(strtab.offset(), strtab.size(), "symbol string table");
        ByteSlice table = f.slice(symtab.offset(), symtab.size(), "symbol table");
        int n = symtab.size() / SYM_SIZE;
        List<ElfSymbol> symbols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long b = (long) i * SYM_SIZE;
            long nameOff = table.u32(b);
            int info = table.u8(b + 4);
            int shndx = table.u16(b + 6);
            long value = table.u64(b + 8);
            long size = table.u64(b + 16);
            int type = info & 0xf;
            String name = type == ElfSymbol.STT_SECTION && nameOff == 0 ? "" : stringAt(strings, nameOff, "name of symbol " + i);
            if (shndx != ElfSymbol.SHN_UNDEF && shndx < ElfSymbol.SHN_LORESERVE && shndx >= sections.size()) {
                throw new ElfException("symbol " + i + " '" + name + "': section index " + shndx + " is out of range (" + sections.size() + " sections)");
            }
            if (type == ElfSymbol.STT_SECTION && name.isEmpty() && shndx < sections.size()) name = sections.get(shndx).name();
            symbols.add(new ElfSymbol(i, name, info, shndx, value, size));
        }
        return Collections.unmodifiableList(symbols);
    }

    private void checkRelSection(ElfSection rel) {
        if (rel.link() != symtab.index()) throw new ElfException(rel + ": its symbol table is section " + rel.link() + ", not " + symtab.index());
        if (rel.info() <= 0 || rel.info() >= sections.size()) throw new ElfException(rel + ": target section " + rel.info() + " is out of range");
        if (rel.entsize() != REL_SIZE) throw new ElfException(rel + ": entry size " + rel.entsize() + " is not 16");
        if (rel.size() % REL_SIZE != 0) throw new ElfException(rel + ": size " + rel.size() + " is not a multiple of 16");
    }

    List<ElfSection> sections() { return sections; }

    List<ElfSymbol> symbols() { return symbols; }

    ElfSection section(int index) { return sections.get(index); }

    /** The section's bytes; a {@code .bss}-style section reads as zeros of its size. */
    ByteSlice contents(ElfSection s) {
        if (s.isNoBits()) return ByteSlice.of(new byte[s.size()], s.name());
        return file.slice(s.offset(), s.size(), s.toString());
    }

    ElfSymbol symbol(int index, String where) {
        if (index < 0 || index >= symbols.size()) {
            throw new ElfException(where + ": relocation against missing symbol " + index + " (symbol table has " + symbols.size() + ")");
        }
        return symbols.get(index);
    }

    /** The relocations of a {@code SHT_REL} section, in file order. */
    List<ElfRelocation> relocations(ElfSection rel) {
        ByteSlice b = contents(rel);
        int n = rel.size() / REL_SIZE;
        List<ElfRelocation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long info = b.u64((long) i * REL_SIZE + 8);
            long symIndex = info >>> 32;
            out.add(new ElfRelocation(b.u64((long) i * REL_SIZE), symIndex > Integer.MAX_VALUE ? -1 : (int) symIndex, (int) info));
        }
        return out;
    }

    ElfSection byName(String name) {
        for (ElfSection s : sections) if (s.name().equals(name)) return s;
        return null;
    }
}
