package dev.kbpf.helpers.tracing;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TraceRecord;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.sysctl.StandardSysctls;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A kbpf runtime (core's {@link BpfRuntime} with a recording machine) that has this bundle's
 * helpers, as the OSGi layer binds them: programs are loaded through the verifier and run by the
 * JIT or the interpreter.
 */
final class HelperRuntime implements AutoCloseable {
    static final Object PROVIDER = new Object();
    static final String PROVIDER_NAME = "dev.kbpf.helpers.tracing";

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(SysctlStore.none(), scheduler, Clock.systemUTC(), w -> {});
    final FrameworkMachine machine = FrameworkMachine.builder(new RecordingFrameworkControl(), sysctls, scheduler)
            .console(line -> {}).build();
    final BpfRuntime bpf = new BpfRuntime(machine, sysctls);

    HelperRuntime() { this(true); }

    HelperRuntime(boolean jit) { this(jit, TracingHelpers.create()); }

    /** A runtime whose helper provider offers {@code helpers} (this bundle's, wrapped or with a fixed clock). */
    HelperRuntime(boolean jit, List<dev.kbpf.spi.BpfHelper> helpers) {
        sysctls.set(StandardSysctls.BPF_JIT_ENABLE.name(), jit ? 1 : 0, Credentials.root());
        bpf.addHelperProvider(PROVIDER, PROVIDER_NAME, helpers);
    }

    /** Loads a program (GPL, root), with the verifier's log in the exception when it is refused. */
    ProgInfo load(ProgType type, String name, List<Insn> insns) {
        try {
            return bpf.progLoad(ProgLoadAttr.of(type, name, insns).withLogLevel(1));
        } catch (BpfException e) {
            throw new AssertionError("prog " + name + " refused: " + e.getMessage() + "\n" + e.log(), e);
        }
    }

    ProgInfo load(ProgType type, String name, String asm) { return load(type, name, asm(asm)); }

    /** Runs a program once on {@code ctx} ({@code BPF_PROG_TEST_RUN}); answers r0. */
    long run(ProgInfo prog, byte[] ctx) { return bpf.progTestRun(prog.id(), ctx, 1).retval(); }

    long run(ProgInfo prog) { return run(prog, new byte[64]); }

    int map(MapType type, int keySize, int valueSize, int maxEntries) {
        return bpf.mapCreate(MapAttr.of(type, keySize, valueSize, maxEntries)).id();
    }

    byte[] lookup(int map, int key) {
        return bpf.mapLookup(map, le32(key)).orElseThrow(() -> new AssertionError("no key " + key + " in map " + map));
    }

    long lookupLong(int map, int key) { return ByteBuffer.wrap(lookup(map, key)).order(ByteOrder.LITTLE_ENDIAN).getLong(); }

    /** Every line now on the trace pipe. */
    List<TraceRecord> traceLines() { return bpf.tracePipe().read(1000, Duration.ofMillis(200)); }

    String dmesg() {
        StringBuilder sb = new StringBuilder();
        machine.dmesg().forEach(r -> sb.append(r.text()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        bpf.shutdown();
        scheduler.shutdownNow();
    }

    // ------------------------------------------------------------------ program text

    /**
     * Assembles a program in the bpf_conformance syntax, with two additions: {@code lddw %rN, map:ID}
     * loads the handle of map ID (pseudo map fd, as libbpf emits it) and {@code lddw %rN, mapvalue:ID+OFF}
     * the address of byte OFF of its value (pseudo map value).
     */
    static List<Insn> asm(String source) {
        List<int[]> refs = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (String line : source.split("\n")) {
            String t = line.strip();
            int at;
            if (t.startsWith("lddw") && (at = line.indexOf("mapvalue:")) >= 0) {
                String[] idOff = line.substring(at + 9).strip().split("\\+");
                refs.add(new int[] {Opcodes.PSEUDO_MAP_VALUE, Integer.parseInt(idOff[0]), idOff.length > 1 ? Integer.parseInt(idOff[1]) : 0});
                line = line.substring(0, at) + "0x" + Integer.toHexString(0x7fff0000 + refs.size() - 1);
            } else if (t.startsWith("lddw") && (at = line.indexOf("map:")) >= 0) {
                refs.add(new int[] {Opcodes.PSEUDO_MAP_FD, Integer.parseInt(line.substring(at + 4).strip()), 0});
                line = line.substring(0, at) + "0x" + Integer.toHexString(0x7fff0000 + refs.size() - 1);
            }
            plain.append(line).append('\n');
        }
        List<Insn> insns = new ArrayList<>(Assembler.assemble(plain.toString()));
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            if (in.opcode() == Opcodes.LD_IMM64 && in.src() == 0 && (in.imm() & 0xffff0000) == 0x7fff0000 && insns.get(i + 1).imm() == 0) {
                int[] ref = refs.get(in.imm() & 0xffff);
                insns.set(i, new Insn(in.opcode(), in.dst(), ref[0], 0, ref[1]));
                insns.set(i + 1, new Insn(0, 0, 0, 0, ref[2]));
            }
        }
        return insns;
    }

    /**
     * Instructions that store {@code text} and a NUL at {@code [%r10-off]} (zero-padded to a
     * multiple of 4 bytes), one {@code stw} per 4 bytes.
     */
    static String stackString(String text, int off) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int n = (b.length + 1 + 3) & ~3;
        if (n > off) throw new IllegalArgumentException("\"" + text + "\" does not fit below fp-" + off);
        byte[] padded = java.util.Arrays.copyOf(b, n);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k += 4) {
            int word = ByteBuffer.wrap(padded, k, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            sb.append("stw [%r10-").append(off - k).append("], ").append(word).append('\n');
        }
        return sb.toString();
    }

    /** Stack bytes a string and its NUL take in {@link #stackString}. */
    static int stackSize(String text) { return (text.getBytes(StandardCharsets.UTF_8).length + 1 + 3) & ~3; }

    static byte[] le32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }

    static byte[] le64(long v) { return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(); }

    static long le64(byte[] b, int off) { return ByteBuffer.wrap(b, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(); }

    /** The bytes before the first NUL, as text. */
    static String cString(byte[] b, int off) {
        int end = off;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
