package dev.kbpf.verifier.scalar;

import static dev.kbpf.verifier.scalar.Bounds.u32;

/**
 * The abstract value of a scalar register, as the kernel keeps it in {@code struct bpf_reg_state}:
 * known bits ({@link #varOff()}) and signed and unsigned bounds of the full 64-bit value and of its
 * low 32 bits. A concrete value {@code x} is a member when it lies within all nine.
 *
 * <p>Immutable. The factories and operations return values already {@linkplain #sync() synced}
 * (all views agree as far as the kernel's deductions go). The canonical constructor takes the nine
 * fields as they are, unsynced; prefer the factories. 32-bit bounds are Java ints: {@link
 * #u32min()} and {@link #u32max()} hold unsigned values' bits (compare with {@link
 * Integer#compareUnsigned}).
 *
 * @param varOff the known bits
 * @param smin the smallest value as a signed 64-bit number
 * @param smax the largest value as a signed 64-bit number
 * @param umin the smallest value as an unsigned 64-bit number
 * @param umax the largest value as an unsigned 64-bit number
 * @param s32min the smallest low half as a signed 32-bit number
 * @param s32max the largest low half as a signed 32-bit number
 * @param u32min the smallest low half as an unsigned 32-bit number
 * @param u32max the largest low half as an unsigned 32-bit number
 */
public record Scalar(Tnum varOff, long smin, long smax, long umin, long umax,
                     int s32min, int s32max, int u32min, int u32max) {

    private static final Scalar UNKNOWN = new Bounds().toScalar();
    private static final Scalar ZERO = constant0();

    /** Validates only what would make the value meaningless: a missing tnum. */
    public Scalar {
        if (varOff == null) {
            throw new IllegalArgumentException("a scalar needs a var_off tnum");
        }
    }

    private static Scalar constant0() {
        Bounds b = new Bounds();
        b.markKnown(0);
        return b.toScalar();
    }

    // --- factories --------------------------------------------------------------------------------

    /** Exactly {@code v} (kernel {@code __mark_reg_known}). */
    public static Scalar constant(long v) {
        if (v == 0 && ZERO != null) {
            return ZERO;
        }
        Bounds b = new Bounds();
        b.markKnown(v);
        return b.toScalar();
    }

    /** Any 64-bit value (kernel {@code __mark_reg_unknown}). */
    public static Scalar unknown() {
        return UNKNOWN;
    }

    /**
     * The values within all the given bounds and the tnum, synced. Bounds that contradict each
     * other give a value for which {@link #isEmpty()} is true.
     */
    public static Scalar ofRange(long smin, long smax, long umin, long umax,
                                 int s32min, int s32max, int u32min, int u32max, Tnum varOff) {
        Bounds b = new Bounds(new Scalar(varOff, smin, smax, umin, umax, s32min, s32max, u32min, u32max));
        b.sync();
        return b.toScalar();
    }

    /** The unsigned 64-bit range [{@code umin}, {@code umax}]. */
    public static Scalar ofUnsignedRange(long umin, long umax) {
        return ofRange(Long.MIN_VALUE, Long.MAX_VALUE, umin, umax, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1,
                Tnum.unknown());
    }

    /** The signed 64-bit range [{@code smin}, {@code smax}]. */
    public static Scalar ofSignedRange(long smin, long smax) {
        return ofRange(smin, smax, 0, -1L, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, Tnum.unknown());
    }

    /** The values a tnum describes. */
    public static Scalar ofTnum(Tnum t) {
        return ofRange(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1L, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, t);
    }

    /**
     * An unknown value zero-extended from {@code sizeBytes} (1, 2, 4 or 8) bytes: what a load of
     * unknown memory of that size gives.
     */
    public static Scalar unknownOfSize(int sizeBytes) {
        return UNKNOWN.truncate(sizeBytes);
    }

    /** An unknown value sign-extended from {@code sizeBytes} (1, 2 or 4) bytes: a sign-extending load. */
    public static Scalar unknownSignExtended(int sizeBytes) {
        return UNKNOWN.signExtend(sizeBytes * 8);
    }

    // --- queries ----------------------------------------------------------------------------------

    /** True when the value is known exactly (kernel {@code tnum_is_const(var_off)}). */
    public boolean isConst() {
        return varOff.isConst();
    }

    /** The value of a constant ({@link #isConst()}). */
    public long constValue() {
        if (!varOff.isConst()) {
            throw new IllegalStateException("not a constant: " + this);
        }
        return varOff.value();
    }

    /** True when the low 32 bits are known exactly. */
    public boolean isSubregConst() {
        return varOff.isSubregConst();
    }

    /** True when nothing is known. */
    public boolean isUnknown() {
        return equals(UNKNOWN);
    }

    /** True when the concrete 64-bit value {@code x} is a member. */
    public boolean contains(long x) {
        int x32 = (int) x;
        return varOff.contains(x)
                && smin <= x && x <= smax
                && Long.compareUnsigned(umin, x) <= 0 && Long.compareUnsigned(x, umax) <= 0
                && s32min <= x32 && x32 <= s32max
                && Integer.compareUnsigned(u32min, x32) <= 0 && Integer.compareUnsigned(x32, u32max) <= 0;
    }

    /**
     * True when the bounds contradict each other (some min above its max, or a constant tnum out of
     * line with the bounds): no concrete value is a member. Only refinements of impossible branches
     * produce such values.
     */
    public boolean isEmpty() {
        return new Bounds(this).isEmpty();
    }

    // --- operations -------------------------------------------------------------------------------

    /** Kernel {@code reg_bounds_sync}: tighten every view from every other; values are already synced. */
    public Scalar sync() {
        Bounds b = new Bounds(this);
        b.sync();
        return b.toScalar();
    }

    /**
     * {@code this = this op src} as a 64-bit ({@code BPF_ALU64}) instruction. For a {@code BPF_K}
     * operand pass {@code Scalar.constant(imm)} (the immediate sign-extended). {@code src} is
     * ignored by {@link AluOp#NEG} and the byte-order operations (it may be null for them).
     */
    public Scalar alu64(AluOp op, Scalar src) {
        return ScalarAlu.apply(this, op, operand(op, src), true);
    }

    /**
     * {@code this = this op src} as a 32-bit ({@code BPF_ALU}) instruction: the operation works on
     * the low 32 bits and the result is zero-extended into 64 bits. {@code MOV} of a constant
     * gives {@code (u32) imm}. {@link AluOp#MOVSX32} does not exist in this class.
     */
    public Scalar alu32(AluOp op, Scalar src) {
        return ScalarAlu.apply(this, op, operand(op, src), false);
    }

    /** {@link #alu64} or {@link #alu32}. */
    public Scalar alu(AluOp op, Scalar src, boolean is64) {
        return ScalarAlu.apply(this, op, operand(op, src), is64);
    }

    private Scalar operand(AluOp op, Scalar src) {
        if (op == null) {
            throw new IllegalArgumentException("no ALU operation given");
        }
        if (src == null) {
            if (!op.isUnary()) {
                throw new IllegalArgumentException(op + " needs a source operand");
            }
            return this;
        }
        return src;
    }

    /**
     * This value as the variable offset of a pointer, plus ({@code subtract} false) or minus a
     * scalar offset: the kernel's {@code adjust_ptr_min_max_vals} once the offset is variable. The
     * 64-bit bounds overflow to unbounded; the 32-bit bounds are not tracked for pointers. (A
     * constant offset that fits the pointer's s32 fixed {@code off} is accumulated there by the
     * kernel instead, leaving the variable part unchanged.)
     */
    public Scalar pointerOffset(Scalar off, boolean subtract) {
        if (off == null) {
            throw new IllegalArgumentException("no offset given");
        }
        return ScalarAlu.pointerOffset(this, off, subtract);
    }

    /** The low 32 bits zero-extended (kernel {@code zext_32_to_64}), as after a 32-bit ALU write. */
    public Scalar zext32() {
        Bounds b = new Bounds(this);
        b.zext32To64();
        b.sync();
        return b.toScalar();
    }

    /**
     * The low {@code fromBits} (8, 16 or 32) bits sign-extended to 64 bits (kernel
     * {@code coerce_reg_to_size_sx}), as after a sign-extending load or {@code MOVSX}.
     */
    public Scalar signExtend(int fromBits) {
        if (fromBits != 8 && fromBits != 16 && fromBits != 32) {
            throw new IllegalArgumentException("sign extension from " + fromBits + " bits; expected 8, 16 or 32");
        }
        Bounds b = new Bounds(this);
        ScalarAlu.coerceToSizeSx(b, fromBits / 8);
        b.sync();
        return b.toScalar();
    }

    /**
     * The low {@code sizeBytes} (1, 2, 4 or 8) bytes zero-extended (kernel
     * {@code coerce_reg_to_size}), as after a narrow load or the fill of a narrow spill.
     */
    public Scalar truncate(int sizeBytes) {
        if (sizeBytes != 1 && sizeBytes != 2 && sizeBytes != 4 && sizeBytes != 8) {
            throw new IllegalArgumentException("truncation to " + sizeBytes + " bytes; expected 1, 2, 4 or 8");
        }
        if (sizeBytes == 8) {
            return this;
        }
        Bounds b = new Bounds(this);
        ScalarAlu.coerceToSize(b, sizeBytes);
        return b.toScalar();
    }

    // --- branches ---------------------------------------------------------------------------------

    /**
     * Kernel {@code is_scalar_branch_taken}: whether {@code a op b} (on the low 32 bits when
     * {@code is32}) holds for every pair of members, for none, or is undecided.
     */
    public static BranchOutcome isBranchTaken(Scalar a, Scalar b, JmpOp op, boolean is32) {
        return ScalarBranch.isBranchTaken(a, b, op, is32);
    }

    /**
     * The outcome of {@code if rX op rX} (one register on both sides). The operands of such a jump
     * are the same value, not two independent ones: do not {@link #refine} them; like the kernel,
     * keep the register as it is on whichever branch is explored.
     */
    public static BranchOutcome isBranchTakenSameRegister(Scalar a, JmpOp op, boolean is32) {
        return ScalarBranch.isBranchTakenSameRegister(a, op, is32);
    }

    /**
     * Both operands narrowed on one branch of {@code if a op b} ({@code taken}: the jump, else the
     * fall-through), as the kernel's {@code reg_set_min_max} does for register-register and
     * register-immediate comparisons (pass {@code Scalar.constant(imm)} for an immediate).
     */
    public static Refined refine(Scalar a, Scalar b, JmpOp op, boolean is32, boolean taken) {
        return ScalarBranch.refine(a, b, op, is32, taken);
    }

    // --- pruning ----------------------------------------------------------------------------------

    /**
     * True when every member of this value is a member of {@code old} (kernel {@code range_within}
     * plus {@code tnum_in}): a state with this value is covered by an already-verified one.
     */
    public boolean within(Scalar old) {
        return rangeWithin(old, this) && old.varOff.in(varOff);
    }

    /** Kernel {@code range_within}: all eight bounds of {@code cur} inside those of {@code old}. */
    public static boolean rangeWithin(Scalar old, Scalar cur) {
        return Long.compareUnsigned(old.umin, cur.umin) <= 0
                && Long.compareUnsigned(old.umax, cur.umax) >= 0
                && old.smin <= cur.smin
                && old.smax >= cur.smax
                && Integer.compareUnsigned(old.u32min, cur.u32min) <= 0
                && Integer.compareUnsigned(old.u32max, cur.u32max) >= 0
                && old.s32min <= cur.s32min
                && old.s32max >= cur.s32max;
    }

    // --- log text ---------------------------------------------------------------------------------

    /**
     * The ranges and var_off as the kernel's log prints them inside {@code scalar(...)} (or after
     * a pointer's other attributes), e.g. {@code smin=smin32=-5,smax=smax32=5}; empty when nothing
     * is known. Use this to print {@code scalar(id=1,...)}.
     */
    public String rangesText() {
        StringBuilder sb = new StringBuilder();
        ScalarFormat.appendRanges(sb, this, false);
        return sb.toString();
    }

    /**
     * Appends {@link #rangesText()} to {@code sb}, with a comma first when {@code leadingComma};
     * returns whether anything was appended.
     */
    public boolean appendRanges(StringBuilder sb, boolean leadingComma) {
        return ScalarFormat.appendRanges(sb, this, leadingComma);
    }

    /**
     * As the kernel prints a scalar register at log level 2 (after {@code R1=}): a constant as its
     * value ({@code 42}, {@code -1}, {@code 0x10000}), otherwise {@code scalar(...)} with the bounds
     * that say something, e.g. {@code scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))}
     * or {@code scalar()}.
     */
    @Override
    public String toString() {
        return ScalarFormat.format(this);
    }

    /** The raw fields, for failure messages. */
    public String debugString() {
        return "Scalar{var_off=(0x" + Long.toHexString(varOff.value()) + "; 0x" + Long.toHexString(varOff.mask())
                + "), s64=[" + smin + ", " + smax + "], u64=[" + Long.toUnsignedString(umin) + ", "
                + Long.toUnsignedString(umax) + "], s32=[" + s32min + ", " + s32max + "], u32=[" + u32(u32min)
                + ", " + u32(u32max) + "]}";
    }
}
