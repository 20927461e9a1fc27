package dev.kbpf.runtime;

import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.exec.Executor;
import dev.kbpf.isa.Insn;
import dev.kbpf.jit.JitExecutor;
import dev.kbpf.maps.TailCallTarget;
import dev.kbpf.spi.ProgRef;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A program that passed the verifier: what it is, what it uses (so it can be unloaded when a
 * provider goes), and the executor that runs it.
 *
 * @param helperIds    the helpers it calls
 * @param kfuncNames   the kfuncs it calls
 * @param maxCtxOffset one past the highest context byte it reads (checked when attaching)
 */
record LoadedProgram(int id, String name, ProgType type, String tag, List<Insn> insns,
                     Executor executor, boolean jited, boolean destructive, Instant loadedAt, List<Integer> mapIds,
                     Set<Integer> helperIds, List<String> helperNames, Set<String> kfuncNames, int maxCtxOffset,
                     long verificationNanos, int processedInsns, String verifierLog, ProgStats stats) implements TailCallTarget {

    @Override public int progId() { return id; }

    @Override public ProgType progType() { return type; }

    ProgRef ref() { return new ProgRef(id, name, tag); }

    ProgInfo info() {
        return new ProgInfo(id, name, type, tag, insns.size(), jited, destructive, loadedAt, mapIds, helperNames,
                List.copyOf(new java.util.TreeSet<>(kfuncNames)), verificationNanos, processedInsns, verifierLog,
                executor instanceof JitExecutor j ? j.compileTime().toNanos() : 0, executor instanceof JitExecutor j ? j.classSize() : 0,
                stats.runTimeNanos(), stats.runCount());
    }

    @Override
    public String toString() { return "prog " + id + " (" + name + ")"; }
}
