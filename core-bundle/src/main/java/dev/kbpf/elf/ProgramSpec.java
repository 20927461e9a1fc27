package dev.kbpf.elf;

import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One program of an object, linked and relocated, ready for the verifier:
 * <ul>
 * <li>the subprograms it calls from {@code .text} are appended after it (as libbpf does) and each
 *     local {@code call} (src {@link dev.kbpf.isa.Opcodes#PSEUDO_CALL}) has its {@code imm} set to
 *     the callee's index minus the call's index minus one;</li>
 * <li>{@code lddw} of a map is {@link dev.kbpf.isa.Opcodes#PSEUDO_MAP_IDX} with {@code imm} = the map's
 *     index in {@link BpfObject#maps()}; of global data, {@link dev.kbpf.isa.Opcodes#PSEUDO_MAP_IDX_VALUE}
 *     with the map index in the first slot's {@code imm} and the offset in the second's; of a
 *     function (a callback), {@link dev.kbpf.isa.Opcodes#PSEUDO_FUNC} with a relative {@code imm} like a call;</li>
 * <li>a kfunc call has src {@link dev.kbpf.isa.Opcodes#PSEUDO_KFUNC_CALL}, {@code off} 0 and {@code imm}
 *     = the index of the kfunc's name in {@link #kfuncs()}; the runtime resolves the names through
 *     the kfunc registry when it loads the program.</li>
 * </ul>
 *
 * @param name         the program's function name
 * @param section      its ELF section ({@code SEC()} name)
 * @param type         the program type the section name gives
 * @param attachKind   how it attaches
 * @param attachTarget what it attaches to, when the section name says ({@code osgi:bundle_event})
 * @param insns        the instructions, one per 8-byte slot
 * @param kfuncs       the names of the kfuncs it calls, indexed by the calls' {@code imm}
 * @param lineInfo     source lines by instruction, ascending (empty without {@code .BTF.ext})
 * @param funcInfo     the functions by first instruction, ascending (empty without {@code .BTF.ext})
 */
public record ProgramSpec(String name, String section, ProgType type, AttachKind attachKind, Optional<String> attachTarget,
        List<Insn> insns, List<String> kfuncs, List<LineInfo> lineInfo, List<FuncInfo> funcInfo) {

    public ProgramSpec {
        insns = List.copyOf(insns);
        kfuncs = List.copyOf(kfuncs);
        lineInfo = List.copyOf(lineInfo);
        funcInfo = List.copyOf(funcInfo);
    }

    /** The line-info record that starts exactly at {@code insn}: where the verifier log prints a source line. */
    public Optional<LineInfo> lineAt(int insn) {
        for (LineInfo l : lineInfo) if (l.insn() == insn) return Optional.of(l);
        return Optional.empty();
    }

    /** The source line that covers {@code insn}: the last record at or before it. */
    public Optional<LineInfo> lineCovering(int insn) {
        LineInfo best = null;
        for (LineInfo l : lineInfo) {
            if (l.insn() > insn) break;
            best = l;
        }
        return Optional.ofNullable(best);
    }

    /**
     * The source lines as the verifier log prints them above instructions, by instruction index
     * ({@code 2 → "; __u32 pid = c->ent.pid; @ counter.c:18"}): what {@code VerifierInput} takes.
     */
    public Map<Integer, String> sourceLines() {
        Map<Integer, String> out = new TreeMap<>();
        for (LineInfo l : lineInfo) out.put(l.insn(), l.verifierLogLine());
        return Collections.unmodifiableMap(out);
    }

    /**
     * The instructions with each kfunc call's {@code imm} changed from its index in {@link #kfuncs()}
     * to {@code ids[index]}: the ids under which the kfunc registry knows those names.
     *
     * @throws IllegalArgumentException when {@code ids} does not give one id per kfunc name
     */
    public List<Insn> insnsWithKfuncIds(int[] ids) {
        if (ids.length != kfuncs.size()) throw new IllegalArgumentException(kfuncs.size() + " kfuncs " + kfuncs + " but " + ids.length + " ids");
        List<Insn> out = new ArrayList<>(insns);
        for (int i = 0; i < out.size(); i++) {
            Insn in = out.get(i);
            if (in.opcode() == (Opcodes.JMP | Opcodes.CALL) && in.src() == Opcodes.PSEUDO_KFUNC_CALL) {
                out.set(i, new Insn(in.opcode(), in.dst(), in.src(), in.off(), ids[in.imm()]));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The instructions encoded as the kernel's {@code struct bpf_insn} array. */
    public byte[] bytecode() {
        byte[] out = new byte[insns.size() * 8];
        for (int i = 0; i < insns.size(); i++) insns.get(i).encode(out, i * 8);
        return out;
    }
}
