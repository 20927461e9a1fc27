package dev.kbpf.isa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Decoding of BPF bytecode into {@link Insn} slots with full RFC 9669 validation, and encoding
 * back. A successful decode round-trips: {@code encode(decode(b))} equals {@code b}.
 *
 * <p>Decoding checks each instruction on its own (see {@link #check}); it does not follow jumps,
 * which is the verifier's work (targets in range, not into the middle of an {@code lddw}).
 */
public final class InsnDecoder {
    private InsnDecoder() {}

    /**
     * Decodes and validates a program.
     *
     * @param bytes the little-endian bytecode, 8 bytes per slot (an empty array gives an empty list)
     * @return one {@link Insn} per slot; {@code lddw} gives two, the second with opcode 0
     * @throws DecodeException for the first invalid instruction, naming its index, bytes and the reason
     */
    public static List<Insn> decode(byte[] bytes) {
        int n = bytes.length / 8;
        if (bytes.length % 8 != 0) {
            throw new DecodeException(n, Arrays.copyOfRange(bytes, n * 8, bytes.length),
                    "program length " + bytes.length + " is not a multiple of 8 (a trailing partial instruction)");
        }
        List<Insn> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Insn insn = Insn.raw(bytes, i * 8);
            Insn next = insn.isWide() && i + 1 < n ? Insn.raw(bytes, i * 8 + 8) : null;
            String why = InsnRules.reason(insn, next);
            if (why != null) {
                // a fault in lddw's second slot is reported at that slot, so the bytes shown are the bad ones
                boolean inSecond = insn.isWide() && next != null && InsnRules.secondSlotReason(insn, next) != null;
                int at = inSecond ? i + 1 : i;
                throw new DecodeException(at, Arrays.copyOfRange(bytes, at * 8, at * 8 + 8), inSecond ? why + " (lddw at insn " + i + ")" : why);
            }
            out.add(insn);
            if (insn.isWide()) {
                out.add(next);
                i++;
            }
        }
        return out;
    }

    /**
     * Checks one instruction against RFC 9669, for callers that hold a model already (the
     * verifier calls this per instruction and must never throw). Call it for the first slot of an
     * {@code lddw} only: its second slot (opcode 0) is checked as part of the first, and on its
     * own is reported as {@code unknown opcode 00}.
     *
     * @param insn the instruction
     * @param next the slot after it, or null at the end of the program; only used when
     *             {@code insn} is an {@code lddw} (whose second slot it is)
     * @return why the instruction is invalid, or empty if it is valid; never throws
     */
    public static Optional<String> check(Insn insn, Insn next) {
        return Optional.ofNullable(InsnRules.reason(insn, next));
    }

    /** Encodes slots into their little-endian byte form, 8 bytes per slot (no validation). */
    public static byte[] encode(List<Insn> insns) {
        byte[] out = new byte[insns.size() * 8];
        for (int i = 0; i < insns.size(); i++) insns.get(i).encode(out, i * 8);
        return out;
    }
}
