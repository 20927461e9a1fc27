package dev.kbpf.elf.btf;

import java.util.List;

/**
 * The kinds of BTF type ({@code include/uapi/linux/btf.h}), one record per kind with the
 * fields that kind carries. Type ids refer to {@link Btf#type(int)}; id 0 is {@code void}.
 */
public sealed interface BtfType {
    int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5, KIND_ENUM = 6, KIND_FWD = 7,
            KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC = 12, KIND_FUNC_PROTO = 13,
            KIND_VAR = 14, KIND_DATASEC = 15, KIND_FLOAT = 16, KIND_DECL_TAG = 17, KIND_TYPE_TAG = 18, KIND_ENUM64 = 19;

    /** The type's name; empty for anonymous types. */
    String name();

    /** {@code void}, type id 0. */
    record Void() implements BtfType {
        public String name() { return "void"; }
    }

    record Int(String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1, CHAR = 2, BOOL = 4;
    }

    record Ptr(String name, int type) implements BtfType {}

    record Array(String name, int elemType, int indexType, long nelems) implements BtfType {}

    /** A struct member; {@code bitOffset} is the member's offset in bits (bitfield size in the top 8 bits when {@code kindFlag}). */
    record Member(String name, int type, long bitOffset) {}

    record Struct(String name, boolean union, int size, boolean kindFlag, List<Member> members) implements BtfType {
        /** The member's offset in bits, whatever the encoding. */
        public long bitOffsetOf(Member m) { return kindFlag ? m.bitOffset() & 0xffffff : m.bitOffset(); }
    }

    record EnumValue(String name, long value) {}

    record Enum(String name, int size, boolean signed, List<EnumValue> values) implements BtfType {}

    record Fwd(String name, boolean union) implements BtfType {}

    /** Typedef, volatile, const, restrict and type tag: a name or qualifier on another type. */
    record Modifier(String name, int kind, int type) implements BtfType {}

    /** A function; {@code linkage} is 0 static, 1 global, 2 extern. */
    record Func(String name, int linkage, int protoType) implements BtfType {}

    record Param(String name, int type) {}

    record FuncProto(String name, int returnType, List<Param> params) implements BtfType {}

    record Var(String name, int type, int linkage) implements BtfType {}

    record VarSecInfo(int type, int offset, int size) {}

    record Datasec(String name, int size, List<VarSecInfo> vars) implements BtfType {}

    record Float(String name, int size) implements BtfType {}

    record DeclTag(String name, int type, int componentIdx) implements BtfType {}
}
