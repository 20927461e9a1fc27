package dev.kbpf.interp;

import static dev.kbpf.exec.InsnSemantics.*;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.MemoryFault;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.MemoryAccessException;

/**
 * The RFC 9669 interpreter: a table switch over a pre-decoded program ({@link Predecoder}).
 *
 * <p>Every operation's meaning comes from {@link dev.kbpf.exec.InsnSemantics}, which the JIT shares.
 * Every load, store and atomic goes through the run's {@link AddressSpace}, which checks it
 * against one region — the checked mode that unverified programs (the conformance suite, the
 * verifier's soundness test) need. A verified program ({@link ExecutableProgram#hints()} present)
 * runs the same checked path today: the hints are the hook where a verified fast path (direct
 * stack-array access for {@code PTR_TO_STACK}, no region look-up) will plug in, by predecoding
 * such instructions to their own internal opcodes.
 *
 * <p>Local calls get their own 512-byte stack frame (a separate region) and their own r10;
 * r6-r9 are saved and restored around them; a ninth frame faults. Callbacks
 * ({@link ExecutionContext#callback}) re-enter {@link #invoke} in the frame after their caller's;
 * a tail call requested during a helper ({@link ExecutionContext#requestTailCall}) ends this
 * program after the helper returns and runs the target in the same frame. {@code lddw} pseudo func
 * loads the code address of its callback ({@code AddressSpace.CODE_ID}, slot). The loop allocates nothing per
 * instruction; a run allocates only its register file (and call save areas on the first local call).
 *
 * <p>The instruction budget is exact: a run with budget N executes N instructions and faults at
 * the next one, before executing it — the JIT faults at the same instruction with the same memory.
 *
 * <p>The loop is kept well under HotSpot's 8,000-byte {@code HugeMethodLimit} (above it a method
 * is never compiled): rare operations (atomics, calls) live in their own methods.
 */
public final class Interpreter implements Executor {

    /** Makes interpreters: the factory to hand to code that runs programs. */
    public static final ExecutorFactory FACTORY = Interpreter::new;

    private final ExecutableProgram program;
    private final long[] code;
    private final long[] wide;
    private final int[] slotOf;
    private final int[] indexOf;
    private final HelperFunction[] helpers;
    private final HelperFunction[] kfuncs;
    /**
     * How far {@code pc} moves after an instruction that does not jump: always 1, but a field, not
     * a literal, so that C2 never sees {@code pc} as an induction variable (see {@link #execute}).
     * Keep it a blank final: {@code final int insnStep = 1;} would be a constant that javac inlines.
     */
    private final int insnStep;

    /** Pre-decodes {@code program}; throws {@link dev.kbpf.exec.InvalidProgramException} for malformed instructions. */
    public Interpreter(ExecutableProgram program) {
        this.program = program;
        Predecoder.Decoded d = Predecoder.decode(program.insns());
        this.code = d.code();
        this.wide = d.wide();
        this.slotOf = d.slotOf();
        this.indexOf = d.indexOf();
        this.helpers = program.helpers().toArray();
        this.kfuncs = program.kfuncs().toArray();
        this.insnStep = 1;
    }

    @Override
    public ExecutableProgram program() { return program; }

    @Override
    public long invoke(ExecutionContext ctx, int entrySlot, int frame, long r1, long r2, long r3, long r4, long r5) {
        if (entrySlot < 0 || entrySlot >= indexOf.length || indexOf[entrySlot] < 0) {
            throw new IllegalArgumentException("slot " + entrySlot + " does not start an instruction of this program");
        }
        if (frame < 0 || frame >= ExecutionContext.MAX_FRAMES) {
            ExecutionFault f = new ExecutionFault(ExecutionFault.Kind.CALL_DEPTH, entrySlot, "entering frame " + (frame + 1)
                    + "; at most " + ExecutionContext.MAX_FRAMES + " call frames are allowed", null);
            ctx.recordRun(0, f);
            throw f;
        }
        return execute(ctx, indexOf[entrySlot], frame, r1, r2, r3, r4, r5);
    }

    /**
     * Runs from instruction index {@code entry} in frame {@code base} until that frame exits.
     *
     * <p><b>Why {@code pc += step}, not {@code pc++}.</b> The budget counter ({@code --left < 0},
     * stride 1, a {@code long}) makes this loop a long counted loop for HotSpot's C2, which splits
     * it into a loop nest and gives the inner loop new loop predicates
     * ({@code PhaseIdealLoop::transform_long_counted_loop}). In a run without taken jumps or local
     * calls — a typical tracing program — {@code pc} then also grows by a constant 1 per
     * iteration, so C2 hoists the range check of {@code code[pc]} into those predicates, checking
     * at loop entry that {@code code} holds the whole budget's worth of instructions (up to 2^31).
     * It never does: the predicate fails on the first run ({@code uncommon_trap reason='predicate'
     * action='maybe_recompile'} at the loop's back branch), the method is recompiled with the same
     * predicate, and so on — C2 gives these predicates up only once the method has had
     * {@code -XX:PerMethodTrapLimit} (100) predicate traps: about 100 recompilations and 10-15 s of
     * events costing microseconds. With a step C2 cannot fold, {@code pc} is no induction
     * variable and its range check stays in the loop (where it always held); the budget loop
     * keeps its counted-loop shape, which the steady state profits from.
     */
    private long execute(ExecutionContext ctx, int entry, int base, long r1, long r2, long r3, long r4, long r5) {
        // allocated here, with a constant length, so the JIT drops the bounds checks of r[x & 15]
        final long[] r = new long[16];
        r[1] = r1;
        r[2] = r2;
        r[3] = r3;
        r[4] = r4;
        r[5] = r5;
        r[10] = ExecutionContext.framePointer(base);
        final long[] code = this.code;
        final int step = insnStep;   // 1; see the method comment
        final AddressSpace mem = ctx.memory();
        final long budget = ctx.instructionBudget();
        long left = budget;
        int pc = entry;
        int depth = base;
        int[] returnTo = null;
        long[] saved = null;
        try {
            for (;;) {
                long w = code[pc];
                if (--left < 0) throw budgetSpent(pc, budget);   // exact: the JIT faults at the same instruction
                int dst = (int) w >>> 8 & 15;
                int src = (int) w >>> 12 & 15;
                switch ((int) w & 0xff) {
                    // ---- ALU64
                    case Op.ADD64_K -> r[dst] = add64(r[dst], w >> 32);
                    case Op.ADD64_X -> r[dst] = add64(r[dst], r[src]);
                    case Op.SUB64_K -> r[dst] = sub64(r[dst], w >> 32);
                    case Op.SUB64_X -> r[dst] = sub64(r[dst], r[src]);
                    case Op.MUL64_K -> r[dst] = mul64(r[dst], w >> 32);
                    case Op.MUL64_X -> r[dst] = mul64(r[dst], r[src]);
                    case Op.DIV64_K -> r[dst] = div64(r[dst], w >> 32);
                    case Op.DIV64_X -> r[dst] = div64(r[dst], r[src]);
                    case Op.SDIV64_K -> r[dst] = sdiv64(r[dst], w >> 32);
                    case Op.SDIV64_X -> r[dst] = sdiv64(r[dst], r[src]);
                    case Op.OR64_K -> r[dst] = or64(r[dst], w >> 32);
                    case Op.OR64_X -> r[dst] = or64(r[dst], r[src]);
                    case Op.AND64_K -> r[dst] = and64(r[dst], w >> 32);
                    case Op.AND64_X -> r[dst] = and64(r[dst], r[src]);
                    case Op.LSH64_K -> r[dst] = lsh64(r[dst], w >> 32);
                    case Op.LSH64_X -> r[dst] = lsh64(r[dst], r[src]);
                    case Op.RSH64_K -> r[dst] = rsh64(r[dst], w >> 32);
                    case Op.RSH64_X -> r[dst] = rsh64(r[dst], r[src]);
                    case Op.MOD64_K -> r[dst] = mod64(r[dst], w >> 32);
                    case Op.MOD64_X -> r[dst] = mod64(r[dst], r[src]);
                    case Op.SMOD64_K -> r[dst] = smod64(r[dst], w >> 32);
                    case Op.SMOD64_X -> r[dst] = smod64(r[dst], r[src]);
                    case Op.XOR64_K -> r[dst] = xor64(r[dst], w >> 32);
                    case Op.XOR64_X -> r[dst] = xor64(r[dst], r[src]);
                    case Op.MOV64_K -> r[dst] = w >> 32;
                    case Op.MOV64_X -> r[dst] = r[src];
                    case Op.ARSH64_K -> r[dst] = arsh64(r[dst], w >> 32);
                    case Op.ARSH64_X -> r[dst] = arsh64(r[dst], r[src]);
                    case Op.NEG64 -> r[dst] = neg64(r[dst]);
                    case Op.MOVSX64_8 -> r[dst] = sext8(r[src]);
                    case Op.MOVSX64_16 -> r[dst] = sext16(r[src]);
                    case Op.MOVSX64_32 -> r[dst] = sext32(r[src]);
                    // ---- ALU (32-bit)
                    case Op.ADD32_K -> r[dst] = add32(r[dst], w >> 32);
                    case Op.ADD32_X -> r[dst] = add32(r[dst], r[src]);
                    case Op.SUB32_K -> r[dst] = sub32(r[dst], w >> 32);
                    case Op.SUB32_X -> r[dst] = sub32(r[dst], r[src]);
                    case Op.MUL32_K -> r[dst] = mul32(r[dst], w >> 32);
                    case Op.MUL32_X -> r[dst] = mul32(r[dst], r[src]);
                    case Op.DIV32_K -> r[dst] = div32(r[dst], w >> 32);
                    case Op.DIV32_X -> r[dst] = div32(r[dst], r[src]);
                    case Op.SDIV32_K -> r[dst] = sdiv32(r[dst], w >> 32);
                    case Op.SDIV32_X -> r[dst] = sdiv32(r[dst], r[src]);
                    case Op.OR32_K -> r[dst] = or32(r[dst], w >> 32);
                    case Op.OR32_X -> r[dst] = or32(r[dst], r[src]);
                    case Op.AND32_K -> r[dst] = and32(r[dst], w >> 32);
                    case Op.AND32_X -> r[dst] = and32(r[dst], r[src]);
                    case Op.LSH32_K -> r[dst] = lsh32(r[dst], w >> 32);
                    case Op.LSH32_X -> r[dst] = lsh32(r[dst], r[src]);
                    case Op.RSH32_K -> r[dst] = rsh32(r[dst], w >> 32);
                    case Op.RSH32_X -> r[dst] = rsh32(r[dst], r[src]);
                    case Op.MOD32_K -> r[dst] = mod32(r[dst], w >> 32);
                    case Op.MOD32_X -> r[dst] = mod32(r[dst], r[src]);
                    case Op.SMOD32_K -> r[dst] = smod32(r[dst], w >> 32);
                    case Op.SMOD32_X -> r[dst] = smod32(r[dst], r[src]);
                    case Op.XOR32_K -> r[dst] = xor32(r[dst], w >> 32);
                    case Op.XOR32_X -> r[dst] = xor32(r[dst], r[src]);
                    case Op.MOV32_K -> r[dst] = mov32(w >> 32);
                    case Op.MOV32_X -> r[dst] = mov32(r[src]);
                    case Op.ARSH32_K -> r[dst] = arsh32(r[dst], w >> 32);
                    case Op.ARSH32_X -> r[dst] = arsh32(r[dst], r[src]);
                    case Op.NEG32 -> r[dst] = neg32(r[dst]);
                    case Op.MOVSX32_8 -> r[dst] = mov32(sext8(r[src]));
                    case Op.MOVSX32_16 -> r[dst] = mov32(sext16(r[src]));
                    // ---- byte order
                    case Op.LE16 -> r[dst] = le16(r[dst]);
                    case Op.LE32 -> r[dst] = le32(r[dst]);
                    case Op.LE64 -> r[dst] = le64(r[dst]);
                    case Op.BE16, Op.BSWAP16 -> r[dst] = bswap16(r[dst]);
                    case Op.BE32, Op.BSWAP32 -> r[dst] = bswap32(r[dst]);
                    case Op.BE64, Op.BSWAP64 -> r[dst] = bswap64(r[dst]);
                    // ---- jumps, 64-bit
                    case Op.JA -> pc += (short) (w >>> 16);
                    case Op.JA32 -> pc += (int) (w >> 32);
                    case Op.JEQ64_K -> { if (jeq64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JEQ64_X -> { if (jeq64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JGT64_K -> { if (jgt64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JGT64_X -> { if (jgt64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JGE64_K -> { if (jge64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JGE64_X -> { if (jge64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSET64_K -> { if (jset64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSET64_X -> { if (jset64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JNE64_K -> { if (jne64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JNE64_X -> { if (jne64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSGT64_K -> { if (jsgt64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSGT64_X -> { if (jsgt64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSGE64_K -> { if (jsge64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSGE64_X -> { if (jsge64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JLT64_K -> { if (jlt64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JLT64_X -> { if (jlt64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JLE64_K -> { if (jle64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JLE64_X -> { if (jle64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSLT64_K -> { if (jslt64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSLT64_X -> { if (jslt64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSLE64_K -> { if (jsle64(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSLE64_X -> { if (jsle64(r[dst], r[src])) pc += (short) (w >>> 16); }
                    // ---- jumps, 32-bit
                    case Op.JEQ32_K -> { if (jeq32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JEQ32_X -> { if (jeq32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JGT32_K -> { if (jgt32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JGT32_X -> { if (jgt32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JGE32_K -> { if (jge32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JGE32_X -> { if (jge32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSET32_K -> { if (jset32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSET32_X -> { if (jset32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JNE32_K -> { if (jne32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JNE32_X -> { if (jne32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSGT32_K -> { if (jsgt32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSGT32_X -> { if (jsgt32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSGE32_K -> { if (jsge32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSGE32_X -> { if (jsge32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JLT32_K -> { if (jlt32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JLT32_X -> { if (jlt32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JLE32_K -> { if (jle32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JLE32_X -> { if (jle32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSLT32_K -> { if (jslt32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSLT32_X -> { if (jslt32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    case Op.JSLE32_K -> { if (jsle32(r[dst], w >> 32)) pc += (short) (w >>> 16); }
                    case Op.JSLE32_X -> { if (jsle32(r[dst], r[src])) pc += (short) (w >>> 16); }
                    // ---- calls and exit
                    case Op.CALL_HELPER, Op.CALLX, Op.CALL_KFUNC -> {
                        r[0] = call(w, ctx, r, pc, depth);
                        Executor tail = ctx.takeTailCall();
                        if (tail != null) {   // bpf_tail_call succeeded: the target replaces this program
                            r[0] = tail.invoke(ctx, 0, depth, r[1], 0, 0, 0, 0);
                            pc = code.length - 2;   // the EXIT sentinel is next
                        }
                    }
                    case Op.CALL_LOCAL -> {
                        if (depth == ExecutionContext.MAX_FRAMES - 1) throw callTooDeep(pc);
                        if (saved == null) {
                            saved = new long[ExecutionContext.MAX_FRAMES * 5];
                            returnTo = new int[ExecutionContext.MAX_FRAMES];
                        }
                        int k = depth * 5;
                        saved[k] = r[6];
                        saved[k + 1] = r[7];
                        saved[k + 2] = r[8];
                        saved[k + 3] = r[9];
                        saved[k + 4] = r[10];
                        returnTo[depth] = pc;
                        depth++;
                        r[10] = ExecutionContext.framePointer(depth);
                        pc += (int) (w >> 32);
                    }
                    case Op.EXIT -> {
                        if (depth == base) {
                            ctx.recordRun(budget - left, null);
                            return r[0];
                        }
                        depth--;
                        int k = depth * 5;
                        r[6] = saved[k];
                        r[7] = saved[k + 1];
                        r[8] = saved[k + 2];
                        r[9] = saved[k + 3];
                        r[10] = saved[k + 4];
                        pc = returnTo[depth];
                    }
                    // ---- loads and stores
                    case Op.LDDW -> r[dst] = wide[(int) (w >> 32)];
                    case Op.LDXB -> r[dst] = mem.load8(r[src] + (short) (w >>> 16));
                    case Op.LDXH -> r[dst] = mem.load16(r[src] + (short) (w >>> 16));
                    case Op.LDXW -> r[dst] = mem.load32(r[src] + (short) (w >>> 16));
                    case Op.LDXDW -> r[dst] = mem.load64(r[src] + (short) (w >>> 16));
                    case Op.LDXSB -> r[dst] = sext8(mem.load8(r[src] + (short) (w >>> 16)));
                    case Op.LDXSH -> r[dst] = sext16(mem.load16(r[src] + (short) (w >>> 16)));
                    case Op.LDXSW -> r[dst] = sext32(mem.load32(r[src] + (short) (w >>> 16)));
                    case Op.STB -> mem.store8(r[dst] + (short) (w >>> 16), w >> 32);
                    case Op.STH -> mem.store16(r[dst] + (short) (w >>> 16), w >> 32);
                    case Op.STW -> mem.store32(r[dst] + (short) (w >>> 16), w >> 32);
                    case Op.STDW -> mem.store64(r[dst] + (short) (w >>> 16), w >> 32);
                    case Op.STXB -> mem.store8(r[dst] + (short) (w >>> 16), r[src]);
                    case Op.STXH -> mem.store16(r[dst] + (short) (w >>> 16), r[src]);
                    case Op.STXW -> mem.store32(r[dst] + (short) (w >>> 16), r[src]);
                    case Op.STXDW -> mem.store64(r[dst] + (short) (w >>> 16), r[src]);
                    case Op.ATOMIC_ADD32, Op.ATOMIC_AND32, Op.ATOMIC_OR32, Op.ATOMIC_XOR32, Op.ATOMIC_FETCH_ADD32,
                            Op.ATOMIC_FETCH_AND32, Op.ATOMIC_FETCH_OR32, Op.ATOMIC_FETCH_XOR32, Op.ATOMIC_XCHG32,
                            Op.ATOMIC_CMPXCHG32, Op.ATOMIC_ADD64, Op.ATOMIC_AND64, Op.ATOMIC_OR64, Op.ATOMIC_XOR64,
                            Op.ATOMIC_FETCH_ADD64, Op.ATOMIC_FETCH_AND64, Op.ATOMIC_FETCH_OR64, Op.ATOMIC_FETCH_XOR64,
                            Op.ATOMIC_XCHG64, Op.ATOMIC_CMPXCHG64 -> atomic(mem, w, r);
                    case Op.FELL_OFF -> throw new ExecutionFault(ExecutionFault.Kind.FELL_OFF_END, slotOf[pc],
                            "execution ran past the last instruction without exit", null);
                    default -> throw new IllegalStateException("internal opcode " + ((int) w & 0xff) + " at instruction " + slotOf[pc]);
                }
                pc += step;
            }
        } catch (MemoryFault f) {
            ExecutionFault fault = new ExecutionFault(ExecutionFault.Kind.MEMORY, slotOf[pc], f.getMessage(), f);
            ctx.recordRun(budget - left, fault);
            throw fault;
        } catch (ExecutionFault f) {
            ctx.recordRun(f.kind() == ExecutionFault.Kind.BUDGET ? budget : budget - left, f);
            throw f;
        }
    }

    /** Atomic read-modify-write (RFC 9669 section 5.3); the fetch forms load the old value into src, cmpxchg into r0. */
    private static void atomic(AddressSpace mem, long w, long[] r) {
        int dst = (int) w >>> 8 & 15;
        int src = (int) w >>> 12 & 15;
        long addr = r[dst] + (short) (w >>> 16);
        long v = r[src];
        switch ((int) w & 0xff) {
            case Op.ATOMIC_ADD32 -> mem.fetchAdd32(addr, v);
            case Op.ATOMIC_AND32 -> mem.fetchAnd32(addr, v);
            case Op.ATOMIC_OR32 -> mem.fetchOr32(addr, v);
            case Op.ATOMIC_XOR32 -> mem.fetchXor32(addr, v);
            case Op.ATOMIC_FETCH_ADD32 -> r[src] = mem.fetchAdd32(addr, v);
            case Op.ATOMIC_FETCH_AND32 -> r[src] = mem.fetchAnd32(addr, v);
            case Op.ATOMIC_FETCH_OR32 -> r[src] = mem.fetchOr32(addr, v);
            case Op.ATOMIC_FETCH_XOR32 -> r[src] = mem.fetchXor32(addr, v);
            case Op.ATOMIC_XCHG32 -> r[src] = mem.exchange32(addr, v);
            case Op.ATOMIC_CMPXCHG32 -> r[0] = mem.compareExchange32(addr, r[0], v);
            case Op.ATOMIC_ADD64 -> mem.fetchAdd64(addr, v);
            case Op.ATOMIC_AND64 -> mem.fetchAnd64(addr, v);
            case Op.ATOMIC_OR64 -> mem.fetchOr64(addr, v);
            case Op.ATOMIC_XOR64 -> mem.fetchXor64(addr, v);
            case Op.ATOMIC_FETCH_ADD64 -> r[src] = mem.fetchAdd64(addr, v);
            case Op.ATOMIC_FETCH_AND64 -> r[src] = mem.fetchAnd64(addr, v);
            case Op.ATOMIC_FETCH_OR64 -> r[src] = mem.fetchOr64(addr, v);
            case Op.ATOMIC_FETCH_XOR64 -> r[src] = mem.fetchXor64(addr, v);
            case Op.ATOMIC_XCHG64 -> r[src] = mem.exchange64(addr, v);
            case Op.ATOMIC_CMPXCHG64 -> r[0] = mem.compareExchange64(addr, r[0], v);
            default -> throw new IllegalStateException("not an atomic: " + ((int) w & 0xff));
        }
    }

    /**
     * Calls the helper or kfunc of call instruction {@code w} with r1-r5, which keep their values.
     * For callx the whole 64-bit register must be a helper id.
     */
    private long call(long w, ExecutionContext ctx, long[] r, int pc, int depth) {
        int op = (int) w & 0xff;
        HelperFunction[] table = op == Op.CALL_KFUNC ? kfuncs : helpers;
        String what = op == Op.CALL_KFUNC ? "kfunc" : "helper";
        long id = op == Op.CALLX ? r[(int) w >>> 8 & 15] : w >> 32;
        HelperFunction f = id >= 0 && id < table.length ? table[(int) id] : null;
        if (f == null) {
            throw new ExecutionFault(ExecutionFault.Kind.UNKNOWN_FUNCTION, slotOf[pc], "no " + what + " with id " + id, null);
        }
        ctx.enterCall(this, depth, slotOf[pc]);
        try {
            return f.call(ctx, r[1], r[2], r[3], r[4], r[5]);
        } catch (ExecutionFault e) {
            throw e;   // a callback run by the function faulted
        } catch (MemoryAccessException e) {
            throw new ExecutionFault(ExecutionFault.Kind.MEMORY, slotOf[pc], what + " " + name(what, id) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ExecutionFault(ExecutionFault.Kind.FUNCTION_FAILED, slotOf[pc], what + " " + name(what, id) + " failed: " + e, e);
        }
    }

    private String name(String what, long id) {
        FunctionTable t = what.equals("kfunc") ? program.kfuncs() : program.helpers();
        String n = t.name((int) id);
        return n == null ? "#" + id : n + "#" + id;
    }

    private ExecutionFault budgetSpent(int pc, long budget) {
        return new ExecutionFault(ExecutionFault.Kind.BUDGET, slotOf[pc], "instruction budget of " + budget + " spent", null);
    }

    private ExecutionFault callTooDeep(int pc) {
        return new ExecutionFault(ExecutionFault.Kind.CALL_DEPTH, slotOf[pc],
                "local call would need frame " + (ExecutionContext.MAX_FRAMES + 1) + "; at most " + ExecutionContext.MAX_FRAMES
                        + " call frames are allowed", null);
    }
}
