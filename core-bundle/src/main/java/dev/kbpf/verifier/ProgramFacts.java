package dev.kbpf.verifier;

import java.util.List;
import java.util.Optional;

/**
 * What the verifier learned about each instruction, for the executors: the kind of memory every
 * load and store touches (and which map, when it is always the same one), the function each call
 * is bound to, the map each {@code lddw} names, the subprograms with their stack depths, and the
 * highest context offset read.
 */
public final class ProgramFacts {
    private final PointerKind[] accessKinds;
    private final MapInfo[] accessMaps;
    private final CallTarget[] calls;
    private final MapInfo[] lddwMaps;
    private final List<Subprog> subprogs;
    private final int maxCtxOffset;

    ProgramFacts(PointerKind[] accessKinds, MapInfo[] accessMaps, CallTarget[] calls, MapInfo[] lddwMaps,
                 List<Subprog> subprogs, int maxCtxOffset) {
        this.accessKinds = accessKinds;
        this.accessMaps = accessMaps;
        this.calls = calls;
        this.lddwMaps = lddwMaps;
        this.subprogs = List.copyOf(subprogs);
        this.maxCtxOffset = maxCtxOffset;
    }

    /** Number of instruction slots. */
    public int length() { return accessKinds.length; }

    /** The memory kind of the load/store/atomic at {@code insn}; {@link PointerKind#NONE} for other instructions. */
    public PointerKind accessKind(int insn) { return accessKinds[insn]; }

    /**
     * The pointer kinds as executors take them ({@link dev.kbpf.exec.AccessHints}, by instruction
     * slot): what lets the interpreter and the JIT skip a region look-up where the verifier proved
     * it. Map keys and mixed kinds stay unknown (the executor checks them).
     */
    public dev.kbpf.exec.AccessHints accessHints() {
        dev.kbpf.exec.PointerKind[] kinds = new dev.kbpf.exec.PointerKind[accessKinds.length];
        for (int pc = 0; pc < kinds.length; pc++) {
            kinds[pc] = switch (accessKinds[pc]) {
                case CTX -> dev.kbpf.exec.PointerKind.CTX;
                case STACK -> dev.kbpf.exec.PointerKind.STACK;
                case MAP_VALUE -> dev.kbpf.exec.PointerKind.MAP_VALUE;
                case MEM -> dev.kbpf.exec.PointerKind.MEM;
                default -> dev.kbpf.exec.PointerKind.UNKNOWN;
            };
        }
        return pc -> pc >= 0 && pc < kinds.length ? kinds[pc] : dev.kbpf.exec.PointerKind.UNKNOWN;
    }

    /** For a map value access that always hits the same map, that map. */
    public Optional<MapInfo> accessMap(int insn) { return Optional.ofNullable(accessMaps[insn]); }

    /** The function a call instruction is bound to. */
    public Optional<CallTarget> callTarget(int insn) { return Optional.ofNullable(calls[insn]); }

    /** The map a {@code lddw} pseudo map instruction (first slot) names. */
    public Optional<MapInfo> lddwMap(int insn) { return Optional.ofNullable(lddwMaps[insn]); }

    /** The subprograms, the main program first. */
    public List<Subprog> subprogs() { return subprogs; }

    /** Stack depth of subprogram {@code index}. */
    public int stackDepth(int index) { return subprogs.get(index).stackDepth(); }

    /** One past the highest context byte read, as Linux's {@code max_ctx_offset}: attach checks it against the record size. */
    public int maxCtxOffset() { return maxCtxOffset; }
}
