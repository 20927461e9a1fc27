package dev.kbpf.verifier;

import java.util.Arrays;

/**
 * The whole abstract machine state on one path ({@code struct bpf_verifier_state}): the call
 * frames, the acquired references, and the bookkeeping of exploration — the stored state this
 * path descends from ({@link #parent}) and, for a stored state, how many paths below it are still
 * being explored ({@link #branches}). A stored state with branches left is on the current path: if
 * the path comes back to it unchanged, the program loops forever.
 */
final class VState {
    static final int MAX_CALL_FRAMES = 8;

    final FuncFrame[] frames = new FuncFrame[MAX_CALL_FRAMES];
    int curframe;
    /** Acquired references: ids and the instruction that acquired each. */
    int[] refIds = new int[0];
    int[] refInsns = new int[0];

    VState parent;
    int branches;
    /** Instruction index where this state was stored or will resume. */
    int insnIdx;
    /** Previous instruction, for the log's {@code from X to Y}. */
    int prevInsnIdx = -1;
    int hitCnt, missCnt;
    int hash;

    VState() {}

    VState(VState o) {
        for (int i = 0; i <= o.curframe; i++) frames[i] = new FuncFrame(o.frames[i]);
        curframe = o.curframe;
        refIds = o.refIds.clone();
        refInsns = o.refInsns.clone();
        parent = o.parent;
        insnIdx = o.insnIdx;
        prevInsnIdx = o.prevInsnIdx;
    }

    FuncFrame cur() { return frames[curframe]; }

    RegState reg(int r) { return frames[curframe].regs[r]; }

    void acquire(int id, int insn) {
        refIds = Arrays.copyOf(refIds, refIds.length + 1);
        refInsns = Arrays.copyOf(refInsns, refInsns.length + 1);
        refIds[refIds.length - 1] = id;
        refInsns[refInsns.length - 1] = insn;
    }

    boolean holds(int id) {
        for (int r : refIds) if (r == id) return true;
        return false;
    }

    void release(int id) {
        for (int i = 0; i < refIds.length; i++) {
            if (refIds[i] == id) {
                int n = refIds.length - 1;
                refIds[i] = refIds[n];
                refInsns[i] = refInsns[n];
                refIds = Arrays.copyOf(refIds, n);
                refInsns = Arrays.copyOf(refInsns, n);
                return;
            }
        }
    }
}
