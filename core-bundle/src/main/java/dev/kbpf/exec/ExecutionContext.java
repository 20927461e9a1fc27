package dev.kbpf.exec;

import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperServices;
import java.util.Arrays;

/**
 * The per-thread state of running programs: the address space (context, eight 512-byte stack
 * frames, the shared region table behind them), the instruction budget, and what the last run
 * did. It is also the {@link CallContext} helpers receive.
 *
 * <p>Create one per thread and reuse it for every run on that thread: nothing here is allocated
 * per run. Not thread-safe. The stack is not cleared between runs (the verifier forbids reading
 * stack a program did not write; {@link #clearStack()} exists for callers that want a clean slate).
 *
 * <p>Stack frame {@code n} is region {@code AddressSpace.STACK_ID_BASE + n}, bytes
 * {@code [n*512, (n+1)*512)} of {@link #stack()}; r10 of that frame is the address one past its
 * end ({@link #framePointer(int)}), so {@code [r10-8]} is its last 8 bytes. The frames are
 * separate regions: an access from one frame cannot run into the next.
 */
public final class ExecutionContext implements CallContext {
    /** Bytes per stack frame (Linux's MAX_BPF_STACK). */
    public static final int STACK_SIZE = 512;
    /** Frames: the program's own and up to seven nested local calls (Linux's MAX_CALL_FRAMES). */
    public static final int MAX_FRAMES = AddressSpace.MAX_FRAMES;

    private final AddressSpace memory;
    private final byte[] stack = new byte[STACK_SIZE * MAX_FRAMES];
    private long budget = Long.MAX_VALUE;
    private long executed;
    private ExecutionFault lastFault;
    private HelperServices services = NoHelperServices.INSTANCE;
    // set by the executor around each helper call: who is calling, from which frame (for callbacks)
    private Executor caller;
    private int callerFrame;
    private int callSlot = -1;
    private Executor pendingTailCall;
    private int tailCalls;
    private Object attachment;

    /** A context whose shared ids resolve in {@code regions} (the subsystem's maps, ring buffers, rodata). */
    public ExecutionContext(RegionTable regions) {
        this.memory = new AddressSpace(regions);
        for (int n = 0; n < MAX_FRAMES; n++) {
            memory.attach(AddressSpace.STACK_ID_BASE + n,
                    new Region(RegionKind.STACK, "stack frame " + n, stack, n * STACK_SIZE, STACK_SIZE, false));
        }
    }

    /** A context with no shared regions (tests, the conformance plugin). */
    public ExecutionContext() { this(new RegionTable()); }

    /** The address space the program's pointers are resolved in. */
    public AddressSpace memory() { return memory; }

    /** The backing array of all stack frames (for executors that address the stack directly). */
    public byte[] stack() { return stack; }

    /** The value of r10 in frame {@code n}: one past the frame's last byte. */
    public static long framePointer(int n) {
        return Address.of(AddressSpace.STACK_ID_BASE + n, STACK_SIZE);
    }

    /** Zeroes every stack frame. */
    public void clearStack() { Arrays.fill(stack, (byte) 0); }

    /** Makes {@code region} the program's context; returns its address (what r1 usually gets). */
    public long setContext(Region region) { return memory.attach(AddressSpace.CONTEXT_ID, region); }

    /**
     * Attaches a further per-execution region (raw memory, packet data) under id
     * {@code AddressSpace.FIRST_EXTRA_ID + index}; returns its address.
     */
    public long attachExtra(int index, Region region) {
        int id = AddressSpace.FIRST_EXTRA_ID + index;
        if (index < 0 || id >= AddressSpace.CODE_ID) {
            throw new IllegalArgumentException("extra region index must be 0.." + (AddressSpace.CODE_ID - AddressSpace.FIRST_EXTRA_ID - 1));
        }
        return memory.attach(id, region);
    }

    /**
     * Limits how many instructions a run may execute (a {@code lddw} counts once); a run that
     * needs more ends with {@link ExecutionFault.Kind#BUDGET} at instruction N+1, before executing
     * it (every executor faults at the same instruction). Default: unlimited. Meant for
     * unverified runs, where an endless loop is possible.
     */
    public void setInstructionBudget(long budget) {
        if (budget <= 0) throw new IllegalArgumentException("instruction budget must be positive: " + budget);
        this.budget = budget;
    }

    public long instructionBudget() { return budget; }

    /**
     * Instructions the last run executed (the budget itself for a run its budget stopped).
     * Callbacks and tail-call targets count separately: each gets the whole budget.
     */
    public long instructionsExecuted() { return executed; }

    /** The fault that ended the last run, or {@code null} if it reached {@code exit}. */
    public ExecutionFault lastFault() { return lastFault; }

    /** Whether the last run ended with a fault. */
    public boolean faulted() { return lastFault != null; }

    // ---- calls out of the program: the protocol between executors and the runtime's helper services

    /** Linux's MAX_TAIL_CALL_CNT: tail calls one run may make. */
    public static final int MAX_TAIL_CALLS = 33;

    /** Called by {@link Executor#run} as a run starts: no tail call pending, none made yet. */
    public void beginRun() {
        pendingTailCall = null;
        tailCalls = 0;
    }

    /**
     * Called by an executor just before it calls a helper or kfunc: which executor is calling and
     * from which stack frame, so a callback the function runs gets the next frame of the same program.
     */
    /** The slot of the call instruction of the current helper or kfunc, or -1 where the executor does not say. */
    public int callSlot() { return callSlot; }

    /** The stack frame of the program calling the current helper or kfunc (0 when none has been entered). */
    public int callerFrame() { return callerFrame; }

    public void enterCall(Executor executor, int frame) {
        enterCall(executor, frame, -1);
    }

    /** As {@link #enterCall(Executor, int)}, with the slot of the call instruction (what a crash dump shows as the caller's pc). */
    public void enterCall(Executor executor, int frame, int callSlot) {
        this.caller = executor;
        this.callerFrame = frame;
        this.callSlot = callSlot;
    }

    /**
     * Runs a callback subprogram of the calling program ({@code bpf_loop}, {@code bpf_for_each_map_elem}):
     * {@code function} is the code address its {@code lddw} pseudo func loaded. The callback gets
     * its own stack frame after the caller's; returns its r0.
     *
     * @throws IllegalArgumentException if {@code function} is not a code address or no program is calling
     * @throws ExecutionFault           if the callback faults or would need a ninth frame
     */
    public long callback(long function, long r1, long r2, long r3, long r4, long r5) {
        if (Address.regionId(function) != AddressSpace.CODE_ID) {
            throw new IllegalArgumentException("0x" + Long.toHexString(function) + " is not a code address");
        }
        Executor executor = caller;
        int frame = callerFrame;
        int slot = callSlot;
        if (executor == null) throw new IllegalArgumentException("no program is calling");
        try {
            return executor.invoke(this, (int) Address.offset(function), frame + 1, r1, r2, r3, r4, r5);
        } finally {
            caller = executor;   // the callback's own helper calls changed them
            callerFrame = frame;
            callSlot = slot;
        }
    }

    /**
     * For the runtime's {@code bpf_tail_call}: asks the calling executor to end the current
     * program once the helper returns and run {@code target} in its place (same frame, r1 = the
     * helper's r1). Returns false, and changes nothing, after {@link #MAX_TAIL_CALLS} tail calls
     * in this run — the helper then returns its error and the program goes on, as in Linux.
     */
    public boolean requestTailCall(Executor target) {
        if (tailCalls >= MAX_TAIL_CALLS) return false;
        tailCalls++;
        pendingTailCall = java.util.Objects.requireNonNull(target, "target");
        return true;
    }

    /** For executors after each helper call: the tail call target requested during it, or null; clears it. */
    public Executor takeTailCall() {
        Executor t = pendingTailCall;
        pendingTailCall = null;
        return t;
    }

    /** Called by executors when a run ends: how many instructions ran and how it ended. */
    public void recordRun(long instructions, ExecutionFault fault) {
        this.executed = instructions;
        this.lastFault = fault;
    }

    // ---- CallContext

    @Override
    public void read(long addr, byte[] dst, int dstOff, int len) { memory.read(addr, dst, dstOff, len); }

    @Override
    public void write(long addr, byte[] src, int srcOff, int len) { memory.write(addr, src, srcOff, len); }

    @Override
    public long load(long addr, int size) { return memory.load(addr, size); }

    @Override
    public void store(long addr, int size, long value) { memory.store(addr, size, value); }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) return type.cast(this);
        if (type.isInstance(memory)) return type.cast(memory);
        return null;
    }

    @Override
    public HelperServices services() { return services; }

    /** Binds the runtime whose maps, ring buffers and trace pipe helpers reach through this context. */
    public void setServices(HelperServices services) {
        this.services = services == null ? NoHelperServices.INSTANCE : services;
    }

    /** What the runtime runs in this context now (the loaded program), for helpers that ask who calls them. */
    public Object attachment() { return attachment; }

    public void setAttachment(Object attachment) { this.attachment = attachment; }
}
