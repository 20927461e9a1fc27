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
 * branches, bounded loops, ring buffer records, bpf-to-bpf calls and {@code bpf_loop} callbacks
 * ({@link ProgramGen} in its risk-seeking temperament).
 */
class VerifierSoundnessTest {
    static final long SEED = 0x50_4e_d2026L;
    static final int PROGRAMS = 100_000;
    /** Map fds of TestEnv used here, and the extra region index holding each one's value. */
    static final int[] MAP_FDS = ProgramGen.MAP_FDS;
    static final long HANDLE = 0x7e57_0000_0000_0000L;

    @Test
    void acceptedProgramsNeverFault() {
        Random rnd = new Random(SEED);
        TestEnv env = new TestEnv();
        int accepted = 0, ran = 0, rejectedThatFault = 0;
        for (int iter = 0; iter < PROGRAMS; iter++) {
            List<Insn> prog = new ProgramGen(rnd).program();
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
                case Opcodes.PSEUDO_FUNC -> dev.kbpf.memory.Address.of(dev.kbpf.memory.AddressSpace.CODE_ID, i + 1 + in.imm());
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
                .put(181, "loop", (c, n, fn, arg, flags, a) -> {
                    long i = 0;
                    while (i < n) if (c.unwrap(ExecutionContext.class).callback(fn, i++, arg, 0, 0, 0) == 1) break;
                    return i;
                })
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
}
