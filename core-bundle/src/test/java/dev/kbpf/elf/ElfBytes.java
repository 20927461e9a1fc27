package dev.kbpf.elf;

import java.nio.charset.StandardCharsets;

/**
 * Test helper: finds things in an ELF object's bytes (section headers, symbols, relocations,
 * BTF records) and patches them, to build precisely malformed objects from real ones.
 */
final class ElfBytes {
    final byte[] b;

    ElfBytes(byte[] original) { this.b = original.clone(); }

    long u64(int off) { return (u32(off) & 0xffffffffL) | ((long) u32(off + 4) << 32); }

    int u32(int off) { return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24; }

    int u16(int off) { return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8; }

    ElfBytes put8(int off, int v) { b[off] = (byte) v; return this; }

    ElfBytes put16(int off, int v) { b[off] = (byte) v; b[off + 1] = (byte) (v >> 8); return this; }

    ElfBytes put32(int off, int v) { for (int i = 0; i < 4; i++) b[off + i] = (byte) (v >> (8 * i)); return this; }

    ElfBytes put64(int off, long v) { for (int i = 0; i < 8; i++) b[off + i] = (byte) (v >> (8 * i)); return this; }

    int shoff() { return (int) u64(40); }

    int shnum() { return u16(60); }

    /** File offset of the section header of the named section. */
    int header(String name) {
        int strndx = u16(62);
        int strOff = (int) u64(shoff() + strndx * 64 + 24);
        for (int i = 0; i < shnum(); i++) {
            int h = shoff() + i * 64;
            if (cstring(strOff + u32(h)).equals(name)) return h;
        }
        throw new AssertionError("no section " + name);
    }

    int sectionIndex(String name) { return (header(name) - shoff()) / 64; }

    int offset(String section) { return (int) u64(header(section) + 24); }

    int size(String section) { return (int) u64(header(section) + 32); }

    String cstring(int off) {
        int e = off;
        while (b[e] != 0) e++;
        return new String(b, off, e - off, StandardCharsets.UTF_8);
    }

    /** File offset of the symbol table entry of the named symbol. */
    int symbol(String name) {
        int symtab = offset(".symtab"), n = size(".symtab") / 24;
        int strtab = offset(".strtab");
        for (int i = 0; i < n; i++) if (cstring(strtab + u32(symtab + i * 24)).equals(name)) return symtab + i * 24;
        throw new AssertionError("no symbol " + name);
    }

    /** File offset of relocation {@code k} of the named REL section. */
    int rel(String relSection, int k) { return offset(relSection) + k * 16; }

    /** File offset of the first occurrence of {@code s} followed by NUL inside the named section. */
    int string(String section, String s) {
        byte[] needle = (s + "\0").getBytes(StandardCharsets.UTF_8);
        int start = offset(section), end = start + size(section);
        outer:
        for (int i = start; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) if (b[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("no string " + s + " in " + section);
    }

    /** File offset of the first CO-RE relocation record in .BTF.ext (after its rec_size and section header). */
    int firstCoreRelo() {
        int ext = offset(".BTF.ext");
        int hdrLen = u32(ext + 4);
        int coreOff = u32(ext + 24);
        return ext + hdrLen + coreOff + 4 + 8;
    }

    /** File offset of BTF type {@code id}'s record (12-byte common part), walking the type section. */
    int btfType(int id) {
        int btf = offset(".BTF");
        int hdrLen = u32(btf + 4);
        int p = btf + hdrLen + u32(btf + 8);
        for (int cur = 1; ; cur++) {
            if (cur == id) return p;
            int info = u32(p + 4);
            int vlen = info & 0xffff, kind = (info >>> 24) & 0x1f;
            p += 12 + switch (kind) {
                case 1, 14, 17 -> 4;
                case 3 -> 12;
                case 4, 5, 15, 19 -> 12 * vlen;
                case 6, 13 -> 8 * vlen;
                default -> 0;
            };
        }
    }

    /** The id of the first BTF ARRAY type with {@code nelems}, e.g. the array behind {@code __uint(type, 1)}. */
    int btfArrayWithNelems(long nelems) {
        for (int id = 1; id < 10_000; id++) {
            int p = btfType(id);
            if (((u32(p + 4) >>> 24) & 0x1f) == 3 && (u32(p + 12 + 8) & 0xffffffffL) == nelems) return p + 12 + 8;
        }
        throw new AssertionError("no array of " + nelems);
    }
}
