package dev.kbpf.runtime;

import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A program's tag as Linux computes it ({@code bpf_prog_calc_tag}): the first 8 bytes of the
 * SHA-1 of its instructions, with the imm of {@code lddw} pseudo map forms zeroed so the tag does
 * not depend on which map ids a load happened to get.
 */
final class ProgramTag {
    private ProgramTag() {}

    static String of(List<Insn> insns) {
        byte[] bytes = new byte[insns.size() * 8];
        boolean zeroNext = false;
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            if (zeroNext) {
                in = new Insn(in.opcode(), in.dst(), in.src(), in.off(), 0);
                zeroNext = false;
            } else if (in.opcode() == Opcodes.LD_IMM64 && isMapPseudo(in.src())) {
                in = new Insn(in.opcode(), in.dst(), in.src(), in.off(), 0);
                zeroNext = true;
            }
            in.encode(bytes, i * 8);
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(bytes);
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    private static boolean isMapPseudo(int src) {
        return src == Opcodes.PSEUDO_MAP_FD || src == Opcodes.PSEUDO_MAP_VALUE || src == Opcodes.PSEUDO_MAP_IDX
                || src == Opcodes.PSEUDO_MAP_IDX_VALUE;
    }
}
