package dev.kbpf.isa;

import java.util.List;

/**
 * Decoding of BPF bytecode into {@link Insn} slots with full RFC 9669 validation, and encoding
 * back.
 */
public final class InsnDecoder {
    private InsnDecoder() {}

    /** Encodes slots into their little-endian byte form, 8 bytes per slot. */
    public static byte[] encode(List<Insn> insns) {
        byte[] out = new byte[insns.size() * 8];
        for (int i = 0; i < insns.size(); i++) insns.get(i).encode(out, i * 8);
        return out;
    }
}
