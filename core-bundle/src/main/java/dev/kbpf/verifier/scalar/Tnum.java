package dev.kbpf.verifier.scalar;

/**
 * A tracked number ("tnum"), the kernel's known-bits domain (kernel/bpf/tnum.c): every bit of a
 * 64-bit value is either known 0, known 1, or unknown.
 *
 * <p>{@code mask} has a 1 for each unknown bit; {@code value} holds the known bits and is 0 wherever
 * {@code mask} is 1. The concrete values described are {@code {x : (x & ~mask) == value}}.
 * Every operation returns a tnum that contains every concrete result for every pair of concrete
 * members of the operands (soundness), which the tests check exhaustively on random members.
 *
 * @param value the known bits (0 where unknown)
 * @param mask the unknown bits
 */
public record Tnum(long value, long mask) {

    private static final Tnum UNKNOWN = new Tnum(0, -1L);
    private static final Tnum ZERO = new Tnum(0, 0);
    private static final long LOW32 = 0xffff_ffffL;

    /** The fully known value {@code v}. */
    public static Tnum constant(long v) {
        return v == 0 ? ZERO : new Tnum(v, 0);
    }

    /** Nothing known: every 64-bit value. */
    public static Tnum unknown() {
        return UNKNOWN;
    }

    /**
     * The smallest tnum holding every value of the unsigned range [{@code min}, {@code max}]
     * (kernel {@code tnum_range}): the bits above the highest differing bit are known.
     */
    public static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    /** True when every bit is known. */
    public boolean isConst() {
        return mask == 0;
    }

    /** True when no bit is known. */
    public boolean isUnknown() {
        return mask == -1L;
    }

    /** True when this is the constant {@code v}. */
    public boolean equalsConst(long v) {
        return mask == 0 && value == v;
    }

    /** True when the concrete value {@code x} is described by this tnum. */
    public boolean contains(long x) {
        return (x & ~mask) == value;
    }

    /**
     * Kernel {@code tnum_in(this, other)}: true when every value of {@code other} is a value of
     * {@code this} (used by state pruning: an old, already-proven tnum must cover the new one).
     */
    public boolean in(Tnum other) {
        if ((other.mask & ~mask) != 0) {
            return false;
        }
        return value == (other.value & ~mask);
    }

    /** True when some concrete value is in both tnums. */
    public boolean overlaps(Tnum other) {
        long known = ~mask & ~other.mask;
        return ((value ^ other.value) & known) == 0;
    }

    /** Kernel {@code tnum_is_aligned}: every value is a multiple of {@code size} (a power of two). */
    public boolean isAligned(long size) {
        if (size == 0) {
            return true;
        }
        return ((value | mask) & (size - 1)) == 0;
    }

    /** The smallest value (unsigned): the known bits with every unknown bit 0. */
    public long umin() {
        return value;
    }

    /** The largest value (unsigned): the known bits with every unknown bit 1. */
    public long umax() {
        return value | mask;
    }

    // --- shifts -----------------------------------------------------------------------------------

    /** Logical left shift by a known amount (0..63). */
    public Tnum lshift(int shift) {
        return new Tnum(value << shift, mask << shift);
    }

    /** Logical right shift by a known amount (0..63). */
    public Tnum rshift(int shift) {
        return new Tnum(value >>> shift, mask >>> shift);
    }

    /**
     * Arithmetic right shift by a known amount, in 64 or 32 bits ({@code insnBitness}); the 32-bit
     * form works on the low 32 bits as a signed int and yields a zero-extended result.
     */
    public Tnum arshift(int shift, int insnBitness) {
        if (insnBitness == 32) {
            return new Tnum(((int) value >> shift) & LOW32, ((int) mask >> shift) & LOW32);
        }
        return new Tnum(value >> shift, mask >> shift);
    }

    // --- arithmetic -------------------------------------------------------------------------------

    /** Addition modulo 2^64: unknown bits propagate through the carries they may cause. */
    public Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    /** Subtraction modulo 2^64. */
    public Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    /** Two's complement negation (0 - this). */
    public Tnum neg() {
        return ZERO.sub(this);
    }

    /**
     * Multiplication modulo 2^64 by long multiplication over the bits of {@code this}: a known-1
     * bit adds the (shifted) unknown part of {@code b}, an unknown bit adds all of {@code b}'s
     * possible bits as unknown; the known product of the known parts is added last.
     */
    public Tnum mul(Tnum b) {
        long av = value;
        long am = mask;
        long bv = b.value;
        long bm = b.mask;
        Tnum accV = constant(value * b.value);
        Tnum accM = ZERO;
        while (av != 0 || am != 0) {
            if ((av & 1) != 0) {
                accM = accM.add(new Tnum(0, bm));
            } else if ((am & 1) != 0) {
                accM = accM.add(new Tnum(0, bv | bm));
            }
            av >>>= 1;
            am >>>= 1;
            bv <<= 1;
            bm <<= 1;
        }
        return accV.add(accM);
    }

    // --- bitwise ----------------------------------------------------------------------------------

    /** Bitwise and. */
    public Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    /** Bitwise or. */
    public Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    /** Bitwise exclusive or. */
    public Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    // --- lattice ----------------------------------------------------------------------------------

    /**
     * Values in both tnums (kernel {@code tnum_intersect}). When the two disagree on a known bit
     * the intersection is empty; like the kernel this then returns "known 1" for that bit, so check
     * {@link #overlaps} first where emptiness matters.
     */
    public Tnum intersect(Tnum b) {
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** The smallest tnum holding every value of either tnum. */
    public Tnum union(Tnum b) {
        long mu = mask | b.mask | (value ^ b.value);
        return new Tnum(value & b.value & ~mu, mu);
    }

    // --- widths -----------------------------------------------------------------------------------

    /** Zero-extending truncation to {@code sizeBytes} (1, 2, 4 or 8) bytes (kernel {@code tnum_cast}). */
    public Tnum cast(int sizeBytes) {
        if (sizeBytes >= 8) {
            return this;
        }
        long m = (1L << (sizeBytes * 8)) - 1;
        return new Tnum(value & m, mask & m);
    }

    /** The low 32 bits, zero-extended. */
    public Tnum subreg() {
        return new Tnum(value & LOW32, mask & LOW32);
    }

    /** The high 32 bits, with the low 32 bits known 0. */
    public Tnum clearSubreg() {
        return new Tnum(value & ~LOW32, mask & ~LOW32);
    }

    /** This tnum's high 32 bits with the low 32 bits of {@code subreg}. */
    public Tnum withSubreg(Tnum subreg) {
        return clearSubreg().or(subreg.subreg());
    }

    /** This tnum's high 32 bits with the low 32 bits known to be {@code value32}. */
    public Tnum withConstSubreg(int value32) {
        return withSubreg(constant(value32 & LOW32));
    }

    /** True when the low 32 bits are all known. */
    public boolean isSubregConst() {
        return (mask & LOW32) == 0;
    }

    // --- byte swaps (BPF_END) ---------------------------------------------------------------------

    /** Swap the bytes of the low 16 bits; the result is zero-extended. */
    public Tnum bswap16() {
        return new Tnum(Short.reverseBytes((short) value) & 0xffffL, Short.reverseBytes((short) mask) & 0xffffL);
    }

    /** Swap the bytes of the low 32 bits; the result is zero-extended. */
    public Tnum bswap32() {
        return new Tnum(Integer.reverseBytes((int) value) & LOW32, Integer.reverseBytes((int) mask) & LOW32);
    }

    /** Swap all 8 bytes. */
    public Tnum bswap64() {
        return new Tnum(Long.reverseBytes(value), Long.reverseBytes(mask));
    }

    /**
     * As the kernel's {@code tnum_strn}: a constant as a number (decimal up to 65535, hex above),
     * otherwise {@code (0x<value>; 0x<mask>)}.
     */
    @Override
    public String toString() {
        if (mask == 0) {
            return ScalarFormat.unum(value);
        }
        return "(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + ")";
    }
}
