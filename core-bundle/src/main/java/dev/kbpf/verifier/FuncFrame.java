package dev.kbpf.verifier;

/**
 * One call frame ({@code struct bpf_func_state}): registers r0-r10 and the 512-byte stack, kept
 * per byte as Linux does — invalid, misc, zero, or part of a spilled register whose exact state is
 * kept in {@link #spilled}.
 */
final class FuncFrame {
    static final int MAX_STACK = 512;
    static final byte INVALID = 0, MISC = 1, ZERO = 2, SPILL = 3;

    final RegState[] regs = new RegState[11];
    /** Byte kinds, indexed by {@code -off - 1} (fp-1 is 0, fp-512 is 511). */
    final byte[] stack = new byte[MAX_STACK];
    /** Spilled registers, indexed by slot {@code (-off - 1) / 8}; meaningful when the slot's bytes are SPILL. */
    final RegState[] spilled = new RegState[MAX_STACK / 8];
    final int frameNo;
    /** The call instruction that created this frame (-1 for the main program). */
    final int callsite;
    /** First instruction of the subprogram this frame runs. */
    final int subprogStart;
    /** Subprogram index. */
    final int subprog;
    /** Bytes below fp that were ever written in this frame: everything deeper is invalid, so copies and comparisons stop here. */
    int depth;
    /** Registers written since the state was last stored (the log's {@code _w}). */
    int written;
    /** For a callback frame: true (r0 of the callback is checked to be in [0, 1] at its exit). */
    final boolean callback;
    /** For a callback frame entered again by the same bpf_loop call: its entry state may converge. */
    boolean reentry;
    /** For a callback frame: the context argument every iteration receives in r2. */
    RegState cbCtx;

    FuncFrame(int frameNo, int callsite, int subprogStart, int subprog, boolean callback) {
        this.frameNo = frameNo;
        this.callsite = callsite;
        this.subprogStart = subprogStart;
        this.subprog = subprog;
        this.callback = callback;
        for (int i = 0; i < regs.length; i++) regs[i] = new RegState();
    }

    FuncFrame(FuncFrame o) {
        this.frameNo = o.frameNo;
        this.callsite = o.callsite;
        this.subprogStart = o.subprogStart;
        this.subprog = o.subprog;
        this.callback = o.callback;
        this.written = o.written;
        this.reentry = o.reentry;
        this.cbCtx = o.cbCtx == null ? null : new RegState(o.cbCtx);
        for (int i = 0; i < regs.length; i++) regs[i] = new RegState(o.regs[i]);
        this.depth = o.depth;
        System.arraycopy(o.stack, 0, stack, 0, o.depth);
        int slots = (o.depth + 7) / 8;
        for (int i = 0; i < slots; i++) if (o.spilled[i] != null) spilled[i] = new RegState(o.spilled[i]);
    }

    byte byteAt(int off) { return stack[-off - 1]; }

    /** Notes that the bytes down to {@code fp - bytes} may be written. */
    void touch(int bytes) {
        int d = (bytes + 7) & ~7;
        if (d > depth) depth = Math.min(d, MAX_STACK);
    }

    /** The slot holding byte {@code off} is a whole spilled register. */
    boolean isSpill(int off) { return stack[-off - 1] == SPILL; }

    static int slotOf(int off) { return (-off - 1) / 8; }

    /** Destroys a spilled register whose slot a write touches: its remaining bytes become misc. */
    void scrubSlot(int spi) {
        int base = spi * 8;
        if (stack[base] == SPILL) {
            for (int i = 0; i < 8; i++) stack[base + i] = MISC;
            spilled[spi] = null;
        }
    }
}
