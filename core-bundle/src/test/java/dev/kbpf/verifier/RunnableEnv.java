package dev.kbpf.verifier;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.exec.FunctionTable;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import dev.kbpf.spi.CallContext;
import dev.kbpf.spi.HelperFunction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * {@link TestEnv}'s world made runnable, so that a program the verifier accepted against it can
 * run in any executor: every map of the environment with storage of its own (arrays and hashes
 * with real lookup, update and delete, a ring buffer and a perf buffer that keep what they get,
 * a program array holding one tail-call target), every helper and kfunc the environment
 * declares with a deterministic body, and a log of every call with its five argument registers
 * and its result.
 *
 * <p>Everything a run sees is drawn from one seed, so two executors given the same seed see the
 * same inputs — map contents, context bytes, helper results — and must leave the same outputs.
 * The functions reach the run's {@link World} through {@link ExecutionContext#attachment()}, so
 * one compiled executor serves many runs.
 */
final class RunnableEnv {
    private RunnableEnv() {}

    /** A map pointer as executors see it ({@code lddw} pseudo map fd): not memory, only a name for helpers. */
    static final long HANDLE = 0x7e57_0000_0000_0000L;
    /** The tail-call target of {@link TestEnv#PROG_ARRAY} index 0: reads the context's first word, adds to it. */
    static final List<Insn> TAIL_TARGET = Asm.of("ldxw %r0, [%r1+0]; add %r0, 1000; exit");
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The region id each map with storage gets in a fresh {@link RegionTable}: maps are registered
     * in ascending fd order, so the ids — and so the addresses {@code lddw} map value loads — are
     * known before any run.
     */
    static Map<Integer, Integer> regionIds(TestEnv env) {
        Map<Integer, Integer> ids = new TreeMap<>();
        int next = AddressSpace.LOCAL_SLOTS;
        for (MapInfo m : new TreeMap<>(env.maps).values()) if (hasStorage(m)) ids.put(m.id(), next++);
        return ids;
    }

    private static boolean hasStorage(MapInfo m) { return m.type() == MapType.ARRAY || m.type() == MapType.HASH; }

    private static int slot(MapInfo m) { return (m.valueSize() + 7) & ~7; }

    /**
     * The program as the runtime hands it to an executor: pseudo {@code lddw} forms resolved (map
     * handles, map value addresses, code addresses of callbacks) and the verifier's pointer kinds
     * as access hints.
     */
    static ExecutableProgram executable(List<Insn> prog, ProgramFacts facts, TestEnv env) {
        Map<Integer, Integer> ids = regionIds(env);
        List<Insn> xlated = new ArrayList<>(prog);
        for (int pc = 0; pc + 1 < xlated.size(); pc++) {
            Insn in = xlated.get(pc);
            if (in.opcode() != Opcodes.LD_IMM64) continue;
            Insn next = xlated.get(pc + 1);
            long value = switch (in.src()) {
                case Opcodes.PSEUDO_MAP_FD -> HANDLE | in.imm();
                case Opcodes.PSEUDO_MAP_VALUE -> Address.of(ids.get(in.imm()), next.imm());
                case Opcodes.PSEUDO_FUNC -> Address.of(AddressSpace.CODE_ID, pc + 1 + in.imm());
                default -> in.imm64(next);
            };
            xlated.set(pc, new Insn(Opcodes.LD_IMM64, in.dst(), 0, 0, (int) value));
            xlated.set(pc + 1, new Insn(0, 0, 0, 0, (int) (value >>> 32)));
            pc++;
        }
        return new ExecutableProgram(xlated, HELPERS, KFUNCS, facts == null ? null : facts.accessHints());
    }


    /** The tail-call target, made by {@code factory} like the program itself. */
    static Executor tailTarget(ExecutorFactory factory) {
        try {
            return factory.create(ExecutableProgram.unverified(TAIL_TARGET, FunctionTable.EMPTY));
        } catch (InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * What one run did: how it ended (r0 or the fault, and the instructions executed), the
     * context bytes after it, the bytes of every map's value storage, and as text the keys of the
     * hash maps, the ring buffer and perf records and every function call in order.
     */
    record Outcome(String end, long instructions, byte[] context, byte[] maps, String records, String calls) {

        /** Null when {@code other} did exactly the same, else what differs first. */
        String difference(Outcome other) {
            if (!end.equals(other.end)) return "how the run ended: " + end + " vs " + other.end;
            if (!java.util.Arrays.equals(context, other.context)) return "context bytes: " + bytes(context, other.context);
            if (!java.util.Arrays.equals(maps, other.maps)) return "map values: " + bytes(maps, other.maps);
            if (!records.equals(other.records)) return "map keys and records:\n" + records + "\nvs\n" + other.records;
            if (!calls.equals(other.calls)) return "helper and kfunc calls:\n" + calls + "\nvs\n" + other.calls;
            return null;
        }

        private static String bytes(byte[] a, byte[] b) {
            int i = java.util.Arrays.mismatch(a, b);
            int from = Math.max(0, i - 8);
            return "first difference at byte " + i + ": " + HEX.formatHex(a, from, Math.min(a.length, i + 16)) + " vs "
                    + HEX.formatHex(b, from, Math.min(b.length, i + 16)) + " (from byte " + from + ")";
        }
    }

    /** A budget no verified program of the tests spends. */
    static final long FULL_BUDGET = 50_000_000;

    /** Runs {@code exe} once in a world drawn from {@code seed}, for a program of type {@code type}. */
    static Outcome run(Executor exe, Executor tailTarget, TestEnv env, ProgType type, long seed) {
        return run(exe, tailTarget, env, type, seed, FULL_BUDGET);
    }

    /**
     * As {@link #run(Executor, Executor, TestEnv, ProgType, long)} with an instruction budget: a
     * run that needs more must stop with a budget fault at the same instruction in every
     * executor, having done the same things until then.
     */
    static Outcome run(Executor exe, Executor tailTarget, TestEnv env, ProgType type, long seed, long budget) {
        return run(exe, tailTarget, env, type, seed, budget, false);
    }

    /**
     * As {@link #run(Executor, Executor, TestEnv, ProgType, long, long)}, and with {@code shortContext}
     * a context shorter than the program type's (a random length of at most 96 bytes, as
     * {@code BPF_PROG_TEST_RUN} or a small tracepoint record gives): reads past its end must fault alike in every executor.
     */
    static Outcome run(Executor exe, Executor tailTarget, TestEnv env, ProgType type, long seed, long budget, boolean shortContext) {
        World w = new World(env, type, tailTarget, seed, shortContext);
        w.ctx.setInstructionBudget(budget);
        String end;
        try {
            long r0 = exe.run(w.ctx, w.ctxAddress, 0, 0, 0, 0);
            end = "r0=0x" + Long.toHexString(r0);
        } catch (ExecutionFault f) {
            end = "fault " + f.kind() + " at " + f.slot() + ": " + f.getMessage()
                    + (f.getCause() == null ? "" : " (" + f.getCause().getClass().getSimpleName() + ": " + f.getCause().getMessage() + ")");
        } catch (RuntimeException e) {
            end = "threw " + e;
        }
        end += ", " + w.ctx.instructionsExecuted() + " insns";
        java.io.ByteArrayOutputStream maps = new java.io.ByteArrayOutputStream();
        for (byte[] b : w.storage.values()) maps.writeBytes(b);
        return new Outcome(end, w.ctx.instructionsExecuted(), w.context, maps.toByteArray(), w.records(), String.join("\n", w.calls));
    }

    // ---------------------------------------------------------------- the world of one run

    /** The maps, context and function state of one run. */
    static final class World {
        final TestEnv env;
        final RegionTable table = new RegionTable();
        final ExecutionContext ctx = new ExecutionContext(table);
        final Random rnd;
        final byte[] context;
        final long ctxAddress;
        final Map<Integer, byte[]> storage = new TreeMap<>();
        final Map<Integer, Integer> regionId = new TreeMap<>();
        /** Hash maps: key (hex) to value slot, in insertion order of a TreeMap so dumps are ordered. */
        final Map<Integer, TreeMap<String, Integer>> hashes = new TreeMap<>();
        final List<String> ringbuf = new ArrayList<>(), perf = new ArrayList<>();
        final Executor tailTarget;
        final boolean tailTargetPresent, ringbufFull;
        final long pidTgid, ktimeBase;
        long ktimeCalls;
        final List<String> calls = new ArrayList<>();

        World(TestEnv env, ProgType type, Executor tailTarget, long seed, boolean shortContext) {
            this.env = env;
            this.rnd = new Random(seed);
            this.tailTarget = tailTarget;
            int size = ContextLayout.defaultFor(type).size();
            // short: up to 96 bytes, around where the tests' programs read, so about half of those runs fault
            context = new byte[shortContext ? rnd.nextInt(Math.min(size, 96) + 1) : size];
            rnd.nextBytes(context);
            ctxAddress = ctx.setContext(Region.of(RegionKind.CONTEXT, "context", context));
            ctx.setAttachment(this);
            pidTgid = rnd.nextLong() & 0x0000_7fff_0000_7fffL;
            ktimeBase = rnd.nextLong() >>> 1;
            tailTargetPresent = rnd.nextBoolean();
            ringbufFull = rnd.nextInt(4) == 0;
            for (Map.Entry<Integer, Integer> e : regionIds(env).entrySet()) {
                MapInfo m = env.maps.get(e.getKey());
                byte[] bytes = new byte[m.maxEntries() * slot(m)];
                if (m.readOnly()) {
                    byte[] frozen = m.frozenBytes().orElse(new byte[0]);
                    System.arraycopy(frozen, 0, bytes, 0, Math.min(frozen.length, bytes.length));
                } else {
                    rnd.nextBytes(bytes);
                }
                int id = table.register(new Region(RegionKind.MAP_VALUE, m.name(), bytes, 0, bytes.length, m.readOnly()));
                if (id != e.getValue()) throw new AssertionError("map " + m.name() + " got region " + id + ", not " + e.getValue());
                storage.put(m.id(), bytes);
                regionId.put(m.id(), id);
                if (m.type() == MapType.HASH) {
                    TreeMap<String, Integer> keys = new TreeMap<>();
                    hashes.put(m.id(), keys);
                    // a few of the keys programs use (0, 1, 2 and the pid) are present, each with even odds
                    long[] candidates = {0, 1, 2, pidTgid & 0xffffffffL};
                    for (long k : candidates) {
                        if (keys.size() < m.maxEntries() && rnd.nextBoolean()) keys.putIfAbsent(key(k, m.keySize()), keys.size());
                    }
                }
            }
        }

        static String key(long k, int size) {
            byte[] b = new byte[size];
            for (int i = 0; i < size && i < 8; i++) b[i] = (byte) (k >>> (8 * i));
            return HEX.formatHex(b);
        }

        MapInfo map(long handle) {
            MapInfo m = (handle & 0xffff_ffff_0000_0000L) == HANDLE ? env.maps.get((int) handle) : null;
            if (m == null) throw new IllegalArgumentException("0x" + Long.toHexString(handle) + " is not a map");
            return m;
        }

        long lookup(CallContext c, long handle, long keyAddr) {
            MapInfo m = map(handle);
            byte[] key = c.readBytes(keyAddr, m.keySize());
            int slot = switch (m.type()) {
                case ARRAY -> {
                    long index = le(key);
                    yield index < m.maxEntries() ? (int) index : -1;
                }
                case HASH -> hashes.get(m.id()).getOrDefault(HEX.formatHex(key), -1);
                default -> throw new IllegalArgumentException("lookup in " + m.type());
            };
            return slot < 0 ? 0 : Address.of(regionId.get(m.id()), slot * slot(m));
        }

        long update(CallContext c, long handle, long keyAddr, long valueAddr, long flags) {
            MapInfo m = map(handle);
            byte[] key = c.readBytes(keyAddr, m.keySize());
            byte[] value = c.readBytes(valueAddr, m.valueSize());
            if (flags < 0 || flags > 2) return Errno.EINVAL.negative();
            int slot;
            if (m.type() == MapType.ARRAY) {
                long index = le(key);
                if (index >= m.maxEntries()) return Errno.E2BIG.negative();
                if (flags == 1) return Errno.EEXIST.negative();
                slot = (int) index;
            } else {
                TreeMap<String, Integer> keys = hashes.get(m.id());
                Integer at = keys.get(HEX.formatHex(key));
                if (at != null && flags == 1) return Errno.EEXIST.negative();
                if (at == null && flags == 2) return Errno.ENOENT.negative();
                if (at == null) {
                    if (keys.size() >= m.maxEntries()) return Errno.E2BIG.negative();
                    java.util.BitSet used = new java.util.BitSet();
                    keys.values().forEach(used::set);
                    at = used.nextClearBit(0);
                    keys.put(HEX.formatHex(key), at);
                }
                slot = at;
            }
            System.arraycopy(value, 0, storage.get(m.id()), slot * slot(m), value.length);
            return 0;
        }

        long delete(CallContext c, long handle, long keyAddr) {
            MapInfo m = map(handle);
            byte[] key = c.readBytes(keyAddr, m.keySize());
            if (m.type() != MapType.HASH) return Errno.EINVAL.negative();
            return hashes.get(m.id()).remove(HEX.formatHex(key)) == null ? Errno.ENOENT.negative() : 0;
        }

        /** A region for a ring buffer record or a kfunc-allocated object: the next free id, as in the runtime. */
        long allocate(String name, long size) {
            return Address.of(table.register(Region.of(RegionKind.RAW, name, new byte[(int) size])), 0);
        }

        byte[] release(long addr) {
            int id = Address.regionId(addr);
            Region r = table.get(id);
            if (r == null || Address.offset(addr) != 0) throw new IllegalArgumentException("0x" + Long.toHexString(addr) + " was not allocated");
            table.unregister(id);
            return java.util.Arrays.copyOfRange(r.bytes(), r.base(), r.base() + r.size());
        }

        /** The keys of every hash map (with their value slots) and the ring buffer and perf records. */
        String records() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<Integer, TreeMap<String, Integer>> e : hashes.entrySet()) sb.append(env.maps.get(e.getKey()).name()).append(e.getValue()).append('\n');
            if (!ringbuf.isEmpty()) sb.append("ringbuf: ").append(ringbuf).append('\n');
            if (!perf.isEmpty()) sb.append("perf: ").append(perf).append('\n');
            return sb.toString();
        }
    }

    private static long le(byte[] b) {
        long v = 0;
        for (int i = Math.min(8, b.length) - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
        return v;
    }

    private static World world(CallContext c) { return (World) c.unwrap(ExecutionContext.class).attachment(); }

    /** A function that logs its call (name, r1..r5) and its result in the run's world. */
    private static HelperFunction recorded(String name, HelperFunction body) {
        return (c, r1, r2, r3, r4, r5) -> {
            World w = world(c);
            int at = w.calls.size();
            w.calls.add(name + "(" + Long.toHexString(r1) + ", " + Long.toHexString(r2) + ", " + Long.toHexString(r3) + ", "
                    + Long.toHexString(r4) + ", " + Long.toHexString(r5) + ")");
            try {
                long r0 = body.call(c, r1, r2, r3, r4, r5);
                w.calls.set(at, w.calls.get(at) + " = " + Long.toHexString(r0));
                return r0;
            } catch (RuntimeException e) {
                w.calls.set(at, w.calls.get(at) + " threw " + e);
                throw e;
            }
        };
    }

    private static String text(byte[] b) { return HEX.formatHex(b); }

    /** Helpers by their UAPI id: every one {@link TestEnv} declares. */
    static final FunctionTable HELPERS = FunctionTable.builder()
            .put(1, "map_lookup_elem", recorded("map_lookup_elem", (c, map, key, a, b, d) -> world(c).lookup(c, map, key)))
            .put(2, "map_update_elem", recorded("map_update_elem", (c, map, key, value, flags, d) -> world(c).update(c, map, key, value, flags)))
            .put(3, "map_delete_elem", recorded("map_delete_elem", (c, map, key, a, b, d) -> world(c).delete(c, map, key)))
            .put(4, "probe_read", recorded("probe_read", (c, dst, size, unsafe, a, b) -> {
                // "kernel memory" at any address: bytes that depend on the address and on the run
                byte[] out = new byte[(int) size];
                Random r = new Random(unsafe ^ world(c).pidTgid);
                r.nextBytes(out);
                c.writeBytes(dst, out);
                return 0;
            }))
            .put(5, "ktime_get_ns", recorded("ktime_get_ns", (c, a, b, d, e, f) -> { World w = world(c); return w.ktimeBase + 1000 * ++w.ktimeCalls; }))
            .put(6, "trace_printk", recorded("trace_printk", (c, fmt, size, a, b, d) -> {
                world(c).calls.add("  printk " + text(c.readBytes(fmt, (int) size)));
                return size;
            }))
            .put(7, "get_prandom_u32", recorded("get_prandom_u32", (c, a, b, d, e, f) -> world(c).rnd.nextInt() & 0xffffffffL))
            .put(8, "get_smp_processor_id", recorded("get_smp_processor_id", (c, a, b, d, e, f) -> 0))
            .put(12, "tail_call", recorded("tail_call", (c, ctxp, map, index, a, b) -> {
                World w = world(c);
                if (w.map(map).type() != MapType.PROG_ARRAY) throw new IllegalArgumentException("not a program array");
                if (index != 0 || !w.tailTargetPresent) return Errno.ENOENT.negative();
                return c.unwrap(ExecutionContext.class).requestTailCall(w.tailTarget) ? 0 : Errno.ENOENT.negative();
            }))
            .put(14, "get_current_pid_tgid", recorded("get_current_pid_tgid", (c, a, b, d, e, f) -> world(c).pidTgid))
            .put(16, "get_current_comm", recorded("get_current_comm", (c, buf, size, a, b, d) -> {
                byte[] comm = new byte[(int) size];
                byte[] name = "kbpf-test".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(name, 0, comm, 0, (int) Math.min(name.length, Math.max(0, size - 1)));
                c.writeBytes(buf, comm);
                return 0;
            }))
            .put(25, "perf_event_output", recorded("perf_event_output", (c, ctxp, map, flags, data, size) -> {
                World w = world(c);
                if (w.map(map).type() != MapType.PERF_EVENT_ARRAY) throw new IllegalArgumentException("not a perf event array");
                w.perf.add(Long.toHexString(flags) + ":" + text(c.readBytes(data, (int) size)));
                return 0;
            }))
            .put(130, "ringbuf_output", recorded("ringbuf_output", (c, map, data, size, flags, a) -> {
                World w = world(c);
                byte[] bytes = c.readBytes(data, (int) size);
                if (w.ringbufFull) return Errno.EAGAIN.negative();
                w.ringbuf.add("output " + text(bytes));
                return 0;
            }))
            .put(131, "ringbuf_reserve", recorded("ringbuf_reserve", (c, map, size, flags, a, b) -> {
                World w = world(c);
                return w.ringbufFull ? 0 : w.allocate("ring buffer record", size);
            }))
            .put(132, "ringbuf_submit", recorded("ringbuf_submit", (c, rec, flags, a, b, d) -> {
                World w = world(c);
                w.ringbuf.add("submit " + text(w.release(rec)));
                return 0;
            }))
            .put(133, "ringbuf_discard", recorded("ringbuf_discard", (c, rec, flags, a, b, d) -> {
                World w = world(c);
                w.ringbuf.add("discard " + text(w.release(rec)));
                return 0;
            }))
            .put(134, "ringbuf_query", recorded("ringbuf_query", (c, map, flags, a, b, d) -> world(c).ringbuf.size()))
            .put(165, "snprintf", recorded("snprintf", (c, out, size, fmt, data, len) -> {
                String format = c.readCString(fmt, 64);
                byte[] args = data == 0 ? new byte[0] : c.readBytes(data, (int) len);
                String s = format.replace("%d", args.length >= 8 ? Long.toString(le(args)) : "?");
                byte[] bytes = (s + "\0").getBytes(StandardCharsets.US_ASCII);
                if (size > 0) c.write(out, bytes, 0, (int) Math.min(size, bytes.length));
                return bytes.length;
            }))
            .put(181, "loop", recorded("loop", (c, n, fn, arg, flags, a) -> {
                if (flags != 0) return Errno.EINVAL.negative();
                if (n > 1 << 23) return Errno.E2BIG.negative();
                ExecutionContext ec = c.unwrap(ExecutionContext.class);
                long i = 0;
                while (i < n) {
                    long r = ec.callback(fn, i, arg, 0, 0, 0);
                    i++;
                    if (r == 1) break;
                }
                return i;
            }))
            .build();

    /** Kfuncs by the registry ids {@link TestEnv} gives them. */
    static final FunctionTable KFUNCS = FunctionTable.builder()
            .put(TestEnv.KF_PANIC, "bpf_panic", recorded("bpf_panic", (c, msg, a, b, d, e) -> {
                world(c).calls.add("  panic: " + c.readCString(msg, 256));
                return 0;
            }))
            .put(TestEnv.KF_CRASH_KEXEC, "crash_kexec", recorded("crash_kexec", (c, a, b, d, e, f) -> 0))
            .put(TestEnv.KF_CONSOLE_PRINT, "bpf_console_print", recorded("bpf_console_print", (c, msg, a, b, d, e) -> {
                String s = c.readCString(msg, 256);
                world(c).calls.add("  console: " + s);
                return s.length();
            }))
            .put(TestEnv.KF_XDP_ONLY, "bpf_xdp_thing", recorded("bpf_xdp_thing", (c, x, a, b, d, e) -> x * 0x9e3779b97f4a7c15L))
            .put(TestEnv.KF_OBJ_NEW, "bpf_obj_new", recorded("bpf_obj_new", (c, size, a, b, d, e) -> {
                World w = world(c);
                return w.rnd.nextInt(4) == 0 ? 0 : w.allocate("object", size);
            }))
            .put(TestEnv.KF_OBJ_DROP, "bpf_obj_drop", recorded("bpf_obj_drop", (c, p, a, b, d, e) -> {
                world(c).calls.add("  dropped " + text(world(c).release(p)));
                return 0;
            }))
            .put(TestEnv.KF_HALT, "bpf_halt", recorded("bpf_halt", (c, a, b, d, e, f) -> 0))
            .build();
}
