package dev.kbpf.verifier;

import dev.kbpf.api.ProgType;
import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Soundness: every random program the verifier accepts runs in the interpreter's checked mode
 * (every load, store and helper access checked against its region) without a fault. The programs
 * are biased toward what can go wrong: context and stack accesses at random offsets, map lookups
 * with and without null checks, indexes with and without bounds checks, pointer arithmetic,
 * branches, bounded loops and ring buffer records.
 */
class VerifierSoundnessTest {
    static final long SEED = 0x50_4e_d2026L;
    static final int PROGRAMS = 100_000;
    /** Map fds of TestEnv used here, and the extra region index holding each one's value. */
    static final int[] MAP_FDS = {TestEnv.HASH_8B, TestEnv.ARRAY_48B, TestEnv.COUNTS, TestEnv.ARRAY_8B};
    static final long HANDLE = 0x7e57_0000_0000_0000L;

    @Test
    void acceptedProgramsNeverFault() {
        Random rnd = new Random(SEED);
        TestEnv env = new TestEnv();
        int accepted = 0, ran = 0, rejectedThatFault = 0;
        for (int iter = 0; iter < PROGRAMS; iter++) {
            List<Insn> prog = new Gen(rnd).program();
            VerifierResult r = Verifier.verify(VerifierInput.of(prog, ProgType.TRACEPOINT, env));
            if (r instanceof VerifierResult.Rejected rj) {
                // the harness must be able to see a fault: programs refused for their accesses often have one
                if (iter % 10 == 0 && rj.message().contains("access") && run(prog, env, new Random(iter)) != null) rejectedThatFault++;
                continue;
            }
            accepted++;
            for (int run = 0; run < 2; run++) {
                String violation = run(prog, env, new Random(iter * 31L + run));
                if (violation != null) {
                    VerifierResult logged = Verifier.verify(VerifierInput.of(prog, ProgType.TRACEPOINT, env).withLogLevel(2));
                    fail("seed " + SEED + " program " + iter + ": accepted but " + violation + "\n" + logged.log());
                }
                ran++;
            }
        }
        System.out.printf("soundness: %d random programs, %d accepted, %d checked runs without a fault; %d sampled rejected programs do fault%n",
                PROGRAMS, accepted, ran, rejectedThatFault);
        assertTrue(rejectedThatFault > 0, "the checked runs never fault, even for rejected programs: the harness sees nothing");
        assertTrue(accepted > PROGRAMS / 20, "too few accepted programs to mean anything: " + accepted);
    }

    /** Runs a verified program with random context bytes and random lookup results; null if no fault. */
    static String run(List<Insn> prog, TestEnv env, Random rnd) {
        return execute(prog, env, rnd, dev.kbpf.interp.Interpreter.FACTORY).violation();
    }

    /**
     * What one run did: r0 (or the fault), and the bytes of the context and the map values after
     * it — what two executors must agree on. {@code violation} is null unless it faulted (a budget
     * stop is not a violation).
     */
    record Outcome(String violation, String fault, long r0, byte[] memory) {}

    /** Runs {@code prog} in the executor {@code factory} makes, with the inputs {@code rnd} draws. */
    static Outcome execute(List<Insn> prog, TestEnv env, Random rnd, dev.kbpf.exec.ExecutorFactory factory) {
        ExecutionContext ctx = new ExecutionContext();
        ctx.setInstructionBudget(20_000_000);
        byte[] record = new byte[ContextLayout.TRACEPOINT_MAX_SIZE];
        rnd.nextBytes(record);
        long r1 = ctx.setContext(Region.of(RegionKind.CONTEXT, "record", record));
        long[] valueAddr = new long[16];
        for (int k = 0; k < MAP_FDS.length; k++) {
            MapInfo m = env.maps.get(MAP_FDS[k]);
            byte[] v = new byte[m.valueSize()];
            rnd.nextBytes(v);
            valueAddr[MAP_FDS[k]] = ctx.attachExtra(k, Region.of(RegionKind.MAP_VALUE, m.name(), v));
        }
        List<Insn> xlated = new ArrayList<>(prog);
        for (int i = 0; i < xlated.size(); i++) {
            Insn in = xlated.get(i);
            if (!in.isWide()) continue;
            long value = switch (in.src()) {
                case Opcodes.PSEUDO_MAP_FD -> HANDLE | in.imm();
                case Opcodes.PSEUDO_MAP_VALUE -> valueAddr[in.imm()] + xlated.get(i + 1).imm();
                default -> in.imm64(xlated.get(i + 1));
            };
            xlated.set(i, new Insn(Opcodes.LD_IMM64, in.dst(), 0, 0, (int) value));
            xlated.set(i + 1, new Insn(0, 0, 0, 0, (int) (value >>> 32)));
            i++;
        }
        long seed = rnd.nextLong();
        FunctionTable helpers = FunctionTable.builder()
                .put(1, "map_lookup_elem", (c, map, key, a, b, d) -> {
                    MapInfo m = env.maps.get((int) (map & 0xff));
                    c.readBytes(key, m.keySize());
                    return ((seed >>> (key & 31)) & 1) == 0 ? 0 : valueAddr[m.id()];
                })
                .put(2, "map_update_elem", (c, map, key, value, flags, d) -> {
                    MapInfo m = env.maps.get((int) (map & 0xff));
                    c.readBytes(key, m.keySize());
                    c.readBytes(value, m.valueSize());
                    return 0;
                })
                .put(5, "ktime_get_ns", (c, a, b, d, e, f) -> seed >>> 8)
                .put(7, "get_prandom_u32", (c, a, b, d, e, f) -> seed & 0xffffffffL)
                .put(131, "ringbuf_reserve", (c, map, size, flags, d, e) -> {
                    if ((seed & 4) == 0) return 0;
                    return c.unwrap(ExecutionContext.class).attachExtra(4, Region.of(RegionKind.RAW, "record", new byte[(int) size]));
                })
                .put(132, "ringbuf_submit", (c, rec, flags, a, b, d) -> { c.load(rec, 1); return 0; })
                .put(133, "ringbuf_discard", (c, rec, flags, a, b, d) -> { c.load(rec, 1); return 0; })
                .build();
        java.io.ByteArrayOutputStream memory = new java.io.ByteArrayOutputStream();
        long r0 = 0;
        String violation = null, fault = null;
        try {
            r0 = factory.create(ExecutableProgram.unverified(xlated, helpers)).run(ctx, r1, 0, 0, 0, 0);
        } catch (InvalidProgramException e) {
            violation = fault = "the executor refuses it at " + e.slot() + ": " + e.getMessage();
        } catch (ExecutionFault f) {
            fault = f.kind() + " at " + f.slot() + ": " + f.getMessage();
            if (f.kind() != ExecutionFault.Kind.BUDGET)
                violation = "it faulted: " + fault + (f.getCause() == null ? "" : " (" + f.getCause().getMessage() + ")");
        }
        memory.writeBytes(record);
        for (int k = 0; k < MAP_FDS.length; k++) {
            dev.kbpf.memory.Region v = ctx.memory().region(dev.kbpf.memory.Address.regionId(valueAddr[MAP_FDS[k]]));
            memory.write(v.bytes(), v.base(), v.size());
        }
        return new Outcome(violation, fault, r0, memory.toByteArray());
    }

    /** A random program in straight-line blocks with forward branches and bounded loops. */
    static final class Gen {
        final Random rnd;
        final List<Insn> out = new ArrayList<>();

        Gen(Random rnd) { this.rnd = rnd; }

        void add(int op, int dst, int src, int off, int imm) { out.add(new Insn(op, dst, src, (short) off, imm)); }

        int reg() { return new int[] {0, 2, 3, 4, 5, 7, 8, 9}[rnd.nextInt(8)]; }

        int scalarReg() { return new int[] {7, 8, 9}[rnd.nextInt(3)]; }

        List<Insn> program() {
            add(0xbf, 6, 1, 0, 0); // r6 = ctx
            for (int r : new int[] {7, 8, 9}) add(0xb7, r, 0, 0, rnd.nextInt(16));
            int blocks = 1 + rnd.nextInt(6);
            for (int b = 0; b < blocks; b++) block(2);
            add(0xb7, 0, 0, 0, 0);
            add(0x95, 0, 0, 0, 0);
            return out;
        }

        void block(int depth) {
            switch (rnd.nextInt(depth > 0 ? 9 : 6)) {
                case 0 -> ctxLoad();
                case 1 -> alu();
                case 2 -> stack();
                case 3 -> mapAccess();
                case 4 -> directValue();
                case 5 -> ringbuf();
                case 6 -> branch(depth);
                case 7 -> loop(depth);
                default -> { alu(); ctxLoad(); }
            }
        }

        void ctxLoad() {
            int size = new int[] {0x61, 0x69, 0x71, 0x79}[rnd.nextInt(4)];
            int off = rnd.nextInt(10) == 0 ? rnd.nextInt(2100) - 20 : 8 * rnd.nextInt(8);
            add(size, scalarReg(), 6, off, 0);
        }

        void alu() {
            int[] ops = {0x07, 0x17, 0x27, 0x57, 0x47, 0x67, 0x77, 0xc7, 0x97, 0xb7, 0x04, 0x54, 0xbf, 0x0f, 0x1f, 0x5f};
            int op = ops[rnd.nextInt(ops.length)];
            int imm = switch (op) {
                case 0x67, 0x77, 0xc7 -> rnd.nextInt(8);
                case 0x97 -> 1 + rnd.nextInt(60);
                case 0x57, 0x54 -> (1 << rnd.nextInt(7)) - 1;
                default -> rnd.nextInt(80) - 16;
            };
            if ((op & 0x08) != 0) add(op, scalarReg(), scalarReg(), 0, 0);
            else add(op, scalarReg(), 0, 0, imm);
        }

        void stack() {
            int off = -8 * (1 + rnd.nextInt(6)) + (rnd.nextInt(8) == 0 ? 4 : 0);
            switch (rnd.nextInt(5)) {
                case 0 -> add(0x7b, 10, scalarReg(), off, 0);
                case 1 -> add(0x7a, 10, 0, off, rnd.nextInt(4));
                case 2 -> add(0x79, scalarReg(), 10, off, 0);
                case 3 -> { // through a stack pointer, maybe with a variable offset
                    add(0xbf, 2, 10, 0, 0);
                    add(0x07, 2, 0, 0, -48);
                    if (rnd.nextBoolean()) { int r = scalarReg(); add(0x57, r, 0, 0, rnd.nextBoolean() ? 0x18 : 0x3f); add(0x0f, 2, r, 0, 0); }
                    add(rnd.nextBoolean() ? 0x7b : 0x79, rnd.nextBoolean() ? 2 : scalarReg(), rnd.nextBoolean() ? 2 : scalarReg(), 8 * rnd.nextInt(7), 0);
                }
                default -> add(0x63, 10, scalarReg(), off, 0);
            }
        }

        /** r0 = lookup(map, key on the stack); maybe null-checked; accesses through r0 at random offsets. */
        void mapAccess() {
            int fd = MAP_FDS[rnd.nextInt(MAP_FDS.length)];
            add(0x7a, 10, 0, -64, rnd.nextInt(3));
            add(0x7a, 10, 0, -56, 0);
            add(0xbf, 2, 10, 0, 0);
            add(0x07, 2, 0, 0, -64);
            add(Opcodes.LD_IMM64, 1, Opcodes.PSEUDO_MAP_FD, 0, fd);
            add(0, 0, 0, 0, 0);
            add(0x85, 0, 0, 0, 1);
            List<Insn> body = new ArrayList<>();
            int uses = 1 + rnd.nextInt(3);
            for (int u = 0; u < uses; u++) pointerUse(body, 0);
            if (rnd.nextInt(10) != 0) add(0x15, 0, 0, body.size(), 0); // if r0 == 0 goto over the body
            out.addAll(body);
        }

        void directValue() {
            int fd = MAP_FDS[1 + rnd.nextInt(MAP_FDS.length - 1)];
            if (fd == TestEnv.COUNTS) fd = TestEnv.ARRAY_48B;
            add(Opcodes.LD_IMM64, 3, Opcodes.PSEUDO_MAP_VALUE, 0, fd);
            add(0, 0, 0, 0, 8 * rnd.nextInt(fd == TestEnv.ARRAY_48B ? 6 : 1));
            List<Insn> body = new ArrayList<>();
            pointerUse(body, 3);
            out.addAll(body);
        }

        /** A load or store through {@code p}, maybe after adding a (bounded or not) index. */
        void pointerUse(List<Insn> body, int p) {
            int q = 4;
            body.add(new Insn(0xbf, q, p, (short) 0, 0));
            if (rnd.nextInt(3) == 0) {
                int idx = 5;
                body.add(new Insn(0x61, idx, 6, (short) (4 * rnd.nextInt(8)), 0)); // an unknown u32 from the context
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        body.add(new Insn(0x57, idx, 0, (short) 0, (1 << rnd.nextInt(7)) - 1));
                        if (rnd.nextBoolean()) { // through a (maybe narrow, maybe mismatched) spill and fill
                            int[] st = {0x63, 0x6b, 0x73, 0x7b}, ld = {0x61, 0x69, 0x71, 0x79};
                            int off = -24 - (rnd.nextInt(4) == 0 ? 4 : 0);
                            body.add(new Insn(st[rnd.nextInt(4)], 10, idx, (short) off, 0));
                            body.add(new Insn(ld[rnd.nextInt(4)], idx, 10, (short) (off + (rnd.nextInt(4) == 0 ? 2 : 0)), 0));
                        }
                    }
                    case 1 -> {
                        int bound = rnd.nextInt(64);
                        body.add(new Insn(0x25, idx, 0, (short) 1, bound)); // if idx > bound skip the add
                        body.add(new Insn(0x0f, q, idx, (short) 0, 0));
                        memOp(body, q);
                        return;
                    }
                    case 2 -> body.add(new Insn(0x97, idx, 0, (short) 0, 1 + rnd.nextInt(48)));
                    default -> { }
                }
                body.add(new Insn(0x0f, q, idx, (short) 0, 0));
            } else if (rnd.nextInt(3) == 0) {
                body.add(new Insn(0x07, q, 0, (short) 0, rnd.nextInt(56) - 4));
            }
            memOp(body, q);
        }

        void memOp(List<Insn> body, int q) {
            int[] loads = {0x61, 0x69, 0x71, 0x79}, stores = {0x63, 0x6b, 0x73, 0x7b};
            int off = rnd.nextInt(5) == 0 ? rnd.nextInt(64) - 8 : 0;
            int k = rnd.nextInt(4);
            switch (rnd.nextInt(3)) {
                case 0 -> body.add(new Insn(loads[k], scalarReg(), q, (short) off, 0));
                case 1 -> body.add(new Insn(stores[k], q, scalarReg(), (short) off, 0));
                default -> body.add(new Insn(0xdb, q, scalarReg(), (short) (off & ~7), 0)); // lock add
            }
        }

        void ringbuf() {
            add(Opcodes.LD_IMM64, 1, Opcodes.PSEUDO_MAP_FD, 0, TestEnv.RINGBUF);
            add(0, 0, 0, 0, 0);
            add(0xb7, 2, 0, 0, 8 * (1 + rnd.nextInt(4)));
            add(0xb7, 3, 0, 0, 0);
            add(0x85, 0, 0, 0, 131);
            List<Insn> body = new ArrayList<>();
            body.add(new Insn(0x7a, 0, 0, (short) (8 * rnd.nextInt(5)), 7));
            body.add(new Insn(0xbf, 1, 0, (short) 0, 0));
            body.add(new Insn(0xb7, 2, 0, (short) 0, 0));
            body.add(new Insn(0x85, 0, 0, (short) 0, rnd.nextBoolean() ? 132 : 133));
            if (rnd.nextInt(10) != 0) add(0x15, 0, 0, body.size(), 0);
            out.addAll(body);
        }

        void branch(int depth) {
            int r = scalarReg();
            int[] ops = {0x25, 0x35, 0xa5, 0xb5, 0x65, 0xc5, 0x15, 0x55, 0x45};
            int at = out.size();
            add(ops[rnd.nextInt(ops.length)], r, 0, 0, rnd.nextInt(40));
            block(depth - 1);
            out.set(at, new Insn(out.get(at).opcode(), r, 0, (short) (out.size() - at - 1), out.get(at).imm()));
        }

        void loop(int depth) {
            int counter = 9;
            add(0xb7, counter, 0, 0, 0);
            int head = out.size();
            block(depth - 1);
            add(0x07, counter, 0, 0, 1);
            add(0xa5, counter, 0, head - out.size() - 1, 1 + rnd.nextInt(6));
        }
    }
}
