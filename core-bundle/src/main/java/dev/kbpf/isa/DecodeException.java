package dev.kbpf.isa;

import java.util.HexFormat;

/**
 * Bytecode that is not a valid RFC 9669 program: a length that is not a multiple of 8, an
 * unknown opcode, a register above r10, a reserved field that is not zero, or an {@code lddw}
 * cut in half. Names the slot index, its bytes and the reason, e.g.
 * {@code insn 3 (07 00 01 00 01 00 00 00): BPF_ALU64 uses reserved fields: off is 1, must be 0}.
 */
public final class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final byte[] bytes;
    private final String reason;

    /**
     * @param index  the 0-based slot index of the offending instruction
     * @param bytes  its bytes (8, or fewer for a truncated tail); copied
     * @param reason what is wrong with it
     */
    public DecodeException(int index, byte[] bytes, String reason) {
        super("insn " + index + " (" + HexFormat.ofDelimiter(" ").formatHex(bytes) + "): " + reason);
        this.index = index;
        this.bytes = bytes.clone();
        this.reason = reason;
    }

    /** The 0-based slot index of the offending instruction (8-byte units, as jump offsets count). */
    public int index() { return index; }

    /** The offending slot's bytes as they were given (fewer than 8 for a truncated tail). */
    public byte[] bytes() { return bytes.clone(); }

    /** What is wrong, without the index and bytes. */
    public String reason() { return reason; }
}
