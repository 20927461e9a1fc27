package dev.kbpf.verifier;

import dev.kbpf.verifier.scalar.Scalar;

/**
 * The abstract value of one register ({@code struct bpf_reg_state}): its type, and for pointers
 * the fixed offset {@link #off} plus the variable offset {@link #var}; for scalars {@link #var} is
 * the value itself (tnum and the four ranges).
 *
 * <p>Mutable and copied by value: {@link #copyFrom} is how states fork at branches.
 */
final class RegState {
    RegType type = RegType.NOT_INIT;
    /** Fixed offset of a pointer. */
    int off;
    /** Scalar value, or the variable part of a pointer's offset. */
    Scalar var = Scalar.constant(0);
    /**
     * Identity shared by copies: for {@code _or_null} pointers it lets one null check settle every
     * copy; for scalars it lets a bound learnt on one copy narrow the others.
     */
    int id;
    /** The acquired reference this pointer holds (ring buffer record), 0 if none. */
    int refObjId;
    /** The map of a map pointer, map value or map key. */
    MapInfo map;
    /** Size of the memory a {@code PTR_TO_MEM} points to. */
    int memSize;
    /** A {@code PTR_TO_MEM} into a ring buffer (a reserved record): the log calls it {@code ringbuf_mem}. */
    boolean ringbuf;
    /** The frame a stack pointer points into. */
    int frameNo;
    /** For {@code PTR_TO_FUNC}, the first instruction of the subprogram. */
    int funcStart;

    RegState() {}

    RegState(RegState other) { copyFrom(other); }

    void copyFrom(RegState o) {
        type = o.type;
        off = o.off;
        var = o.var;
        id = o.id;
        refObjId = o.refObjId;
        map = o.map;
        memSize = o.memSize;
        ringbuf = o.ringbuf;
        frameNo = o.frameNo;
        funcStart = o.funcStart;
    }

    void markNotInit() {
        type = RegType.NOT_INIT;
        off = 0;
        var = Scalar.constant(0);
        id = refObjId = memSize = frameNo = funcStart = 0;
        ringbuf = false;
        map = null;
    }

    void setScalar(Scalar s) {
        type = RegType.SCALAR;
        off = 0;
        var = s;
        id = refObjId = memSize = frameNo = funcStart = 0;
        ringbuf = false;
        map = null;
    }

    void setUnknown() { setScalar(Scalar.unknown()); }

    void setConst(long v) { setScalar(Scalar.constant(v)); }

    void setPointer(RegType t, int offset) {
        type = t;
        off = offset;
        var = Scalar.constant(0);
        id = refObjId = memSize = frameNo = funcStart = 0;
        ringbuf = false;
        map = null;
    }

    boolean isScalar() { return type == RegType.SCALAR; }

    boolean isPointer() { return type.isPointer(); }

    boolean isConst() { return type == RegType.SCALAR && var.isConst(); }

    boolean isConstZero() { return isConst() && var.constValue() == 0; }

    /** The type as the kernel's log names it ({@code reg_type_str}). */
    String typeName() {
        if (ringbuf && type == RegType.PTR_TO_MEM) return "ringbuf_mem";
        if (ringbuf && type == RegType.PTR_TO_MEM_OR_NULL) return "ringbuf_mem_or_null";
        return type.logName;
    }

    /** True when a pointer's variable offset is known exactly. */
    boolean varOffConst() { return var.isConst(); }
}
