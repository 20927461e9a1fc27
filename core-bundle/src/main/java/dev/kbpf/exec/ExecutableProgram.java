package dev.kbpf.exec;

import dev.kbpf.isa.Insn;
import java.util.List;
import java.util.Objects;

/**
 * Everything an executor needs to run a program: its instruction slots (a wide {@code lddw}
 * takes two, as in the kernel), the helper and kfunc tables bound at load time, and — for a
 * verified program only — the verifier's access hints.
 *
 * <p>Pseudo {@code lddw} forms (map fd, map value, BTF id) must already be resolved by the loader:
 * an executor loads the 64-bit immediate as it stands. The exception is {@code lddw} pseudo func
 * (src 4), kept in Linux's encoding ({@code imm} = offset in slots from the next instruction to the
 * callback): the executor loads the code address {@code Address.of(AddressSpace.CODE_ID, slot)}.
 *
 * @param insns   the instruction slots
 * @param helpers helper functions by UAPI id
 * @param kfuncs  kfuncs by registry id
 * @param hints   the verifier's per-instruction pointer kinds, or {@code null} for an unverified
 *                program (every access checked; the mode of the conformance suite and of the
 *                verifier's soundness test)
 */
public record ExecutableProgram(List<Insn> insns, FunctionTable helpers, FunctionTable kfuncs, AccessHints hints) {

    public ExecutableProgram {
        insns = List.copyOf(insns);
        Objects.requireNonNull(helpers, "helpers");
        Objects.requireNonNull(kfuncs, "kfuncs");
    }

    /** An unverified program with these helpers and no kfuncs. */
    public static ExecutableProgram unverified(List<Insn> insns, FunctionTable helpers) {
        return new ExecutableProgram(insns, helpers, FunctionTable.EMPTY, null);
    }

    public boolean verified() { return hints != null; }
}
