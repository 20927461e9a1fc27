package dev.kbpf.elf.btf;

import dev.kbpf.elf.ByteSlice;
import dev.kbpf.elf.ElfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The BPF Type Format of an object's {@code .BTF} section: a header, a type section and a
 * string section ({@code Documentation/bpf/btf.rst}). kbpf reads it for BTF-defined maps, for
 * the strings of {@code .BTF.ext} line info, and for CO-RE relocations against local types.
 */
public final class Btf {
    static final int MAGIC = 0xeb9f;
    /** As libbpf's {@code MAX_RESOLVE_DEPTH}: type chains (typedef → const → …) deeper than this are refused. */
    private static final int MAX_RESOLVE_DEPTH = 32;

    private final List<BtfType> types;
    private final ByteSlice strings;

    private Btf(List<BtfType> types, ByteSlice strings) {
        this.types = types;
        this.strings = strings;
    }

    /** Parses a {@code .BTF} section. */
    public static Btf parse(ByteSlice sec) {
        if (sec.length() < 24) throw new ElfException(".BTF: " + sec.length() + " bytes is shorter than the 24-byte header");
        int magic = sec.u16(0);
        if (magic == 0x9feb) throw new ElfException(".BTF: big-endian BTF is not supported");
        if (magic != MAGIC) throw new ElfException(".BTF: bad magic 0x" + Integer.toHexString(magic) + " (expected 0xeb9f)");
        if (sec.u8(2) != 1) throw new ElfException(".BTF: version " + sec.u8(2) + " is not 1");
        long hdrLen = sec.u32(4);
        if (hdrLen < 24 || hdrLen > sec.length()) throw new ElfException(".BTF: header length " + hdrLen + " is invalid");
        long typeOff = sec.u32(8), typeLen = sec.u32(12), strOff = sec.u32(16), strLen = sec.u32(20);
        ByteSlice body = sec.slice(hdrLen, sec.length() - hdrLen, ".BTF data");
        ByteSlice typeSec = body.slice(typeOff, typeLen, ".BTF type section");
        ByteSlice strings = body.slice(strOff, strLen, ".BTF string section");
        if (strLen == 0 || strings.u8(0) != 0) throw new ElfException(".BTF: string section must start with an empty string");
        Btf btf = new Btf(new ArrayList<>(), strings);
        btf.types.add(new BtfType.Void());
        btf.readTypes(typeSec);
        return btf;
    }

    private void readTypes(ByteSlice t) {
        long p = 0;
        while (p < t.length()) {
            int id = types.size();
            String name = string(t.u32(p), "type " + id);
            long info = t.u32(p + 4);
            int vlen = (int) (info & 0xffff);
            int kind = (int) ((info >>> 24) & 0x1f);
            boolean kindFlag = (info >>> 31) != 0;
            long sizeOrType = t.u32(p + 8);
            p += 12;
            BtfType type;
            switch (kind) {
                case BtfType.KIND_INT -> {
                    long enc = t.u32(p);
                    p += 4;
                    type = new BtfType.Int(name, size(sizeOrType, id), (int) ((enc >>> 24) & 0xf), (int) ((enc >>> 16) & 0xff), (int) (enc & 0xff));
                }
                case BtfType.KIND_PTR -> type = new BtfType.Ptr(name, typeId(sizeOrType, id));
                case BtfType.KIND_ARRAY -> {
                    type = new BtfType.Array(name, typeId(t.u32(p), id), typeId(t.u32(p + 4), id), t.u32(p + 8));
                    p += 12;
                }
                case BtfType.KIND_STRUCT, BtfType.KIND_UNION -> {
                    List<BtfType.Member> members = new ArrayList<>(Math.min(vlen, 1024));
                    for (int i = 0; i < vlen; i++, p += 12) {
                        members.add(new BtfType.Member(string(t.u32(p), "member " + i + " of type " + id), typeId(t.u32(p + 4), id), t.u32(p + 8)));
                    }
                    type = new BtfType.Struct(name, kind == BtfType.KIND_UNION, size(sizeOrType, id), kindFlag, members);
                }
                case BtfType.KIND_ENUM -> {
                    List<BtfType.EnumValue> values = new ArrayList<>(Math.min(vlen, 1024));
                    for (int i = 0; i < vlen; i++, p += 8) {
                        long raw = t.s32(p + 4);
                        values.add(new BtfType.EnumValue(string(t.u32(p), "enumerator " + i + " of type " + id), kindFlag ? raw : raw & 0xffffffffL));
                    }
                    type = new BtfType.Enum(name, size(sizeOrType, id), kindFlag, values);
                }
                case BtfType.KIND_ENUM64 -> {
                    List<BtfType.EnumValue> values = new ArrayList<>(Math.min(vlen, 1024));
                    for (int i = 0; i < vlen; i++, p += 12) {
                        values.add(new BtfType.EnumValue(string(t.u32(p), "enumerator " + i + " of type " + id), t.u32(p + 4) | (t.u32(p + 8) << 32)));
                    }
                    type = new BtfType.Enum(name, size(sizeOrType, id), kindFlag, values);
                }
                case BtfType.KIND_FWD -> type = new BtfType.Fwd(name, kindFlag);
                case BtfType.KIND_TYPEDEF, BtfType.KIND_VOLATILE, BtfType.KIND_CONST, BtfType.KIND_RESTRICT, BtfType.KIND_TYPE_TAG ->
                        type = new BtfType.Modifier(name, kind, typeId(sizeOrType, id));
                case BtfType.KIND_FUNC -> type = new BtfType.Func(name, vlen, typeId(sizeOrType, id));
                case BtfType.KIND_FUNC_PROTO -> {
                    List<BtfType.Param> params = new ArrayList<>(Math.min(vlen, 1024));
                    for (int i = 0; i < vlen; i++, p += 8) {
                        params.add(new BtfType.Param(string(t.u32(p), "parameter " + i + " of type " + id), typeId(t.u32(p + 4), id)));
                    }
                    type = new BtfType.FuncProto(name, typeId(sizeOrType, id), params);
                }
                case BtfType.KIND_VAR -> {
                    type = new BtfType.Var(name, typeId(sizeOrType, id), t.s32(p));
                    p += 4;
                }
                case BtfType.KIND_DATASEC -> {
                    List<BtfType.VarSecInfo> vars = new ArrayList<>(Math.min(vlen, 1024));
                    for (int i = 0; i < vlen; i++, p += 12) {
                        vars.add(new BtfType.VarSecInfo(typeId(t.u32(p), id), t.u32AsInt(p + 4, "offset"), t.u32AsInt(p + 8, "size")));
                    }
                    type = new BtfType.Datasec(name, size(sizeOrType, id), vars);
                }
                case BtfType.KIND_FLOAT -> type = new BtfType.Float(name, size(sizeOrType, id));
                case BtfType.KIND_DECL_TAG -> {
                    type = new BtfType.DeclTag(name, typeId(sizeOrType, id), t.s32(p));
                    p += 4;
                }
                default -> throw new ElfException(".BTF: type " + id + " has unknown kind " + kind);
            }
            types.add(type);
        }
        if (p != t.length()) throw new ElfException(".BTF: type section ends inside type " + (types.size() - 1));
        // every referenced id must exist; checked once here so that look-ups never fail later
        for (int id = 1; id < types.size(); id++) for (int ref : references(types.get(id))) checkId(ref, id);
    }

    private static int[] references(BtfType t) {
        if (t instanceof BtfType.Ptr p) return new int[] {p.type()};
        if (t instanceof BtfType.Array a) return new int[] {a.elemType(), a.indexType()};
        if (t instanceof BtfType.Struct s) return s.members().stream().mapToInt(BtfType.Member::type).toArray();
        if (t instanceof BtfType.Modifier m) return new int[] {m.type()};
        if (t instanceof BtfType.Func f) return new int[] {f.protoType()};
        if (t instanceof BtfType.FuncProto f) {
            int[] refs = new int[f.params().size() + 1];
            refs[0] = f.returnType();
            for (int i = 0; i < f.params().size(); i++) refs[i + 1] = f.params().get(i).type();
            return refs;
        }
        if (t instanceof BtfType.Var v) return new int[] {v.type()};
        if (t instanceof BtfType.Datasec d) return d.vars().stream().mapToInt(BtfType.VarSecInfo::type).toArray();
        if (t instanceof BtfType.DeclTag d) return new int[] {d.type()};
        return new int[0];
    }

    private void checkId(int ref, int from) {
        if (ref >= types.size()) throw new ElfException(".BTF: type " + from + " refers to type " + ref + ", which does not exist (" + types.size() + " types)");
    }

    private static int size(long v, int id) {
        if (v > Integer.MAX_VALUE) throw new ElfException(".BTF: type " + id + " has size " + v + ", which is too large");
        return (int) v;
    }

    private static int typeId(long v, int id) {
        if (v > Integer.MAX_VALUE) throw new ElfException(".BTF: type " + id + " refers to type " + v + ", which does not exist");
        return (int) v;
    }

    /** The string at {@code off} of the string section. */
    public String string(long off, String where) {
        if (off >= strings.length()) throw new ElfException(".BTF: name offset " + off + " of " + where + " is outside the string section (" + strings.length() + " bytes)");
        return strings.cString(off);
    }

    /** Number of types, {@code void} included. */
    public int size() { return types.size(); }

    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) throw new ElfException(".BTF: type " + id + " does not exist (" + types.size() + " types)");
        return types.get(id);
    }

    /** The type with typedefs, qualifiers and type tags stripped. */
    public int skipModifiers(int id) {
        int cur = id;
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            if (!(type(cur) instanceof BtfType.Modifier m)) return cur;
            cur = m.type();
        }
        throw new ElfException(".BTF: type " + id + " is a chain of more than " + MAX_RESOLVE_DEPTH + " typedefs and qualifiers");
    }

    /** The size in bytes of a value of type {@code id}, as C's {@code sizeof}. */
    public long sizeOf(int id) { return sizeOf(id, 0); }

    private long sizeOf(int id, int depth) {
        if (depth > MAX_RESOLVE_DEPTH) throw new ElfException(".BTF: type " + id + " nests more than " + MAX_RESOLVE_DEPTH + " levels deep");
        BtfType t = type(id);
        long size;
        if (t instanceof BtfType.Int i) size = i.size();
        else if (t instanceof BtfType.Ptr) size = 8;
        else if (t instanceof BtfType.Struct s) size = s.size();
        else if (t instanceof BtfType.Enum e) size = e.size();
        else if (t instanceof BtfType.Float f) size = f.size();
        else if (t instanceof BtfType.Datasec d) size = d.size();
        else if (t instanceof BtfType.Modifier m) size = sizeOf(m.type(), depth + 1);
        else if (t instanceof BtfType.Var v) size = sizeOf(v.type(), depth + 1);
        else if (t instanceof BtfType.Array a) {
            long elem = sizeOf(a.elemType(), depth + 1);
            if (elem != 0 && a.nelems() > 0xffffffffL / elem) throw new ElfException(".BTF: array type " + id + " is larger than 4 GiB");
            size = elem * a.nelems();
        } else {
            throw new ElfException(".BTF: type " + id + " (" + kindName(t) + ") has no size");
        }
        if (size > 0xffffffffL) throw new ElfException(".BTF: type " + id + " is larger than 4 GiB");
        return size;
    }

    /** The first {@code DATASEC} of that name. */
    public Optional<BtfType.Datasec> datasec(String name) {
        for (BtfType t : types) if (t instanceof BtfType.Datasec d && d.name().equals(name)) return Optional.of(d);
        return Optional.empty();
    }

    /** A short human name of the type's kind, as {@code bpftool btf dump} prints it. */
    public static String kindName(BtfType t) {
        if (t instanceof BtfType.Void) return "VOID";
        if (t instanceof BtfType.Int) return "INT";
        if (t instanceof BtfType.Ptr) return "PTR";
        if (t instanceof BtfType.Array) return "ARRAY";
        if (t instanceof BtfType.Struct s) return s.union() ? "UNION" : "STRUCT";
        if (t instanceof BtfType.Enum) return "ENUM";
        if (t instanceof BtfType.Fwd) return "FWD";
        if (t instanceof BtfType.Modifier m) {
            switch (m.kind()) {
                case BtfType.KIND_TYPEDEF: return "TYPEDEF";
                case BtfType.KIND_VOLATILE: return "VOLATILE";
                case BtfType.KIND_CONST: return "CONST";
                case BtfType.KIND_RESTRICT: return "RESTRICT";
                default: return "TYPE_TAG";
            }
        }
        if (t instanceof BtfType.Func) return "FUNC";
        if (t instanceof BtfType.FuncProto) return "FUNC_PROTO";
        if (t instanceof BtfType.Var) return "VAR";
        if (t instanceof BtfType.Datasec) return "DATASEC";
        if (t instanceof BtfType.Float) return "FLOAT";
        return "DECL_TAG";
    }
}
