package dev.kbpf.isa;

/**
 * One 64-bit BPF instruction slot as RFC 9669 section 3 encodes it: an 8-bit opcode, 4-bit
 * destination and source registers, a signed 16-bit offset and a signed 32-bit immediate.
 *
 * <p>A wide instruction ({@code lddw}) takes two slots, exactly as in the kernel's
 * {@code struct bpf_insn} arrays: the first holds the low 32 bits of the immediate, the second
 * (opcode 0) the high 32 bits. Keeping slots one-to-one with the byte encoding means jump
 * offsets, instruction indexes in the verifier log and program counters all agree.
 */
public record Insn(int opcode, int dst, int src, short off, int imm) {

    /** Checks that each field fits its bit width (8-bit opcode, 4-bit registers); values are not validated here. */
    public Insn {
        if ((opcode & ~0xff) != 0) throw new IllegalArgumentException("opcode out of range: " + opcode);
        if ((dst & ~0xf) != 0) throw new IllegalArgumentException("dst register field out of range: " + dst);
        if ((src & ~0xf) != 0) throw new IllegalArgumentException("src register field out of range: " + src);
    }

    /** Convenience for an {@code int} offset, which must fit a signed 16-bit field. */
    public Insn(int opcode, int dst, int src, int off, int imm) {
        this(opcode, dst, src, (short) off, imm);
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) throw new IllegalArgumentException("offset out of 16-bit range: " + off);
    }

    /** The instruction class: the low three bits of the opcode. */
    public int cls() { return opcode & 0x07; }

    /** True for the first slot of a 16-byte instruction ({@code lddw} and its pseudo forms). */
    public boolean isWide() { return opcode == Opcodes.LD_IMM64; }

    /** The 64-bit immediate of a wide instruction, given its second slot. */
    public long imm64(Insn next) { return (imm & 0xffffffffL) | ((long) next.imm << 32); }

    /** Encodes this slot little-endian into {@code out} at {@code pos} (8 bytes). */
    public void encode(byte[] out, int pos) {
        out[pos] = (byte) opcode;
        out[pos + 1] = (byte) (dst | (src << 4));
        out[pos + 2] = (byte) off;
        out[pos + 3] = (byte) (off >> 8);
        out[pos + 4] = (byte) imm;
        out[pos + 5] = (byte) (imm >> 8);
        out[pos + 6] = (byte) (imm >> 16);
        out[pos + 7] = (byte) (imm >> 24);
    }

    /** Decodes one slot from 8 little-endian bytes without checking it (see {@link InsnDecoder}). */
    public static Insn raw(byte[] in, int pos) {
        int opcode = in[pos] & 0xff;
        int regs = in[pos + 1] & 0xff;
        short off = (short) ((in[pos + 2] & 0xff) | (in[pos + 3] << 8));
        int imm = (in[pos + 4] & 0xff) | (in[pos + 5] & 0xff) << 8 | (in[pos + 6] & 0xff) << 16 | (in[pos + 7] & 0xff) << 24;
        return new Insn(opcode, regs & 0xf, regs >>> 4, off, imm);
    }
}
