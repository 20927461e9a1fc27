package dev.kbpf.elf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: writes a {@code .BTF} section type by type, as the BTF documentation lays it out. */
final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int next = 1;

    BtfBuilder() { strings.write(0); }

    int str(String s) {
        if (s.isEmpty()) return 0;
        int off = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return off;
    }

    private void u32(long v) { for (int i = 0; i < 4; i++) types.write((int) (v >> (8 * i))); }

    private int common(String name, int kind, int vlen, boolean kindFlag, long sizeOrType) {
        u32(str(name));
        u32(((long) kind << 24) | vlen | (kindFlag ? 1L << 31 : 0));
        u32(sizeOrType);
        return next++;
    }

    int integer(String name, int size, boolean signed) {
        int id = common(name, BtfType.KIND_INT, 0, false, size);
        u32(((signed ? 1L : 0) << 24) | (size * 8L));
        return id;
    }

    int ptr(int type) { return common("", BtfType.KIND_PTR, 0, false, type); }

    int array(int elem, int index, long nelems) {
        int id = common("", BtfType.KIND_ARRAY, 0, false, 0);
        u32(elem);
        u32(index);
        u32(nelems);
        return id;
    }

    /** members as name, type, bit offset triples. */
    int struct(String name, int size, Object... members) {
        int id = common(name, BtfType.KIND_STRUCT, members.length / 3, false, size);
        for (int i = 0; i < members.length; i += 3) {
            u32(str((String) members[i]));
            u32((Integer) members[i + 1]);
            u32((Integer) members[i + 2]);
        }
        return id;
    }

    int enumeration(String name, int size, String... values) {
        int id = common(name, BtfType.KIND_ENUM, values.length, false, size);
        for (int i = 0; i < values.length; i++) {
            u32(str(values[i]));
            u32(i);
        }
        return id;
    }

    int modifier(int kind, String name, int type) { return common(name, kind, 0, false, type); }

    int var(String name, int type) {
        int id = common(name, BtfType.KIND_VAR, 0, false, type);
        u32(1);
        return id;
    }

    int datasec(String name, int... varTypes) {
        int id = common(name, BtfType.KIND_DATASEC, varTypes.length, false, 0);
        for (int v : varTypes) {
            u32(v);
            u32(0);
            u32(0);
        }
        return id;
    }

    byte[] build() {
        byte[] t = types.toByteArray(), s = strings.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] hdr = {0xeb9f | (1 << 16), 24, 0, t.length, t.length, s.length};
        for (int h : hdr) for (int i = 0; i < 4; i++) out.write(h >> (8 * i));
        out.writeBytes(t);
        out.writeBytes(s);
        return out.toByteArray();
    }
}
