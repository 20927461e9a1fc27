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
        if (index < 0 || id >= AddressSpace.LOCAL_SLOTS) {
            throw new IllegalArgumentException("extra region index must be 0.." + (AddressSpace.LOCAL_SLOTS - AddressSpace.FIRST_EXTRA_ID - 1));
        }
        return memory.attach(id, region);
    }

    /**
     * Limits how many instructions a run may execute (a {@code lddw} counts once); a run that
     * needs more ends with {@link ExecutionFault.Kind#BUDGET} at its next taken jump or call (where
     * every loop passes). Default: unlimited. Meant for
     * unverified runs, where an endless loop is possible.
     */
    public void setInstructionBudget(long budget) {
        if (budget <= 0) throw new IllegalArgumentException("instruction budget must be positive: " + budget);
        this.budget = budget;
    }

    public long instructionBudget() { return budget; }

    /** Instructions the last run executed (a run stopped by its budget may have run a few past it). */
    public long instructionsExecuted() { return executed; }

    /** The fault that ended the last run, or {@code null} if it reached {@code exit}. */
    public ExecutionFault lastFault() { return lastFault; }

    /** Whether the last run ended with a fault. */
    public boolean faulted() { return lastFault != null; }

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
