package dev.kbpf.helpers.destructive.crash;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.CrashReport;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgramSnapshot;
import dev.kbpf.spi.ThreadSnapshot;
import dev.kbpf.isa.Insn;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crash dump file format, version {@value #FORMAT}: what Jackson writes and reads back.
 * Bytes (instructions, stack, map keys and values) are lower-case hex and registers 16 hex
 * digits, so that a person can read the file and no 64-bit value loses precision in a JSON
 * reader that holds numbers as doubles. Times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CrashDumpDocument(int format, String reason, String kfunc, String message, String time, String bootId,
                                long uptimeNs, String kbpfVersion, String state, Caller caller, List<Program> programs,
                                List<MapDump> maps, List<Link> links, List<Bundle> bundles, Map<String, Integer> sysctls,
                                List<LogLine> dmesg, List<JvmThread> threads) {

    /** The version of this format; a reader refuses files of a later one. */
    public static final int FORMAT = 1;

    private static final HexFormat HEX = HexFormat.of();

    public CrashDumpDocument {
        programs = programs == null ? List.of() : programs;
        maps = maps == null ? List.of() : maps;
        links = links == null ? List.of() : links;
        bundles = bundles == null ? List.of() : bundles;
        sysctls = sysctls == null ? Map.of() : sysctls;
        dmesg = dmesg == null ? List.of() : dmesg;
        threads = threads == null ? List.of() : threads;
    }

    /**
     * Who asked for the dump. For a program: its identity, the call's instruction index, R0..R10,
     * its stack frame and the program's instructions (when it was still loaded); for the kernel,
     * {@code origin} only.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Caller(String kind, String origin, Integer progId, String progName, String tag, String progType,
                         Integer insnIndex, Map<String, String> registers, String stack, long threadId, Program program) {
        public static final String PROGRAM = "program";
        public static final String KERNEL = "kernel";
    }

    /** A loaded program; {@code insns} one entry per 8-byte slot. */
    public record Program(int id, String name, String tag, String type, boolean jited, List<Instruction> insns) {}

    /** One instruction slot: its index, its 8 bytes in hex and its text ({@code ""} for the second slot of a wide one). */
    public record Instruction(int index, String bytes, String text) {}

    /** A map; {@code entries} holds at most the machine's cap, {@code entryCount} how many there were. */
    public record MapDump(int id, String name, String type, int keySize, int valueSize, int maxEntries, long entryCount,
                          boolean truncated, List<MapEntry> entries) {}

    public record MapEntry(String key, String value) {}

    public record Link(int id, String type, int progId, String target) {}

    public record Bundle(long id, String symbolicName, String version, String state) {}

    /** A kernel log line; {@code level} is the printk level 0..7. */
    public record LogLine(long seq, int level, long uptimeNs, String text) {}

    public record JvmThread(long id, String name, String state, boolean daemon, String waitingOn, List<String> frames) {}

    /** The document for a report, as the machine collected it. */
    public static CrashDumpDocument of(CrashReport r) {
        List<Program> programs = r.programs().stream().map(CrashDumpDocument::program).toList();
        return new CrashDumpDocument(FORMAT, r.reason().name(), r.reason().kfunc(), r.message(), r.time().toString(),
                r.bootId().toString(), r.uptimeNanos(), r.kbpfVersion(), r.state().name(), caller(r, programs), programs,
                r.maps().stream().map(CrashDumpDocument::map).toList(),
                r.links().stream().map(CrashDumpDocument::link).toList(),
                r.bundles().stream().map(CrashDumpDocument::bundle).toList(),
                new LinkedHashMap<>(r.sysctls()),
                r.dmesg().stream().map(CrashDumpDocument::logLine).toList(),
                r.threads().stream().map(CrashDumpDocument::thread).toList());
    }

    private static Caller caller(CrashReport r, List<Program> programs) {
        if (r.caller() instanceof PanicContext.ProgramFrame f) {
            Map<String, String> regs = new LinkedHashMap<>();
            long[] values = f.registers();
            for (int i = 0; i < values.length; i++) regs.put("r" + i, register(values[i]));
            Program program = programs.stream().filter(p -> p.id() == f.progId()).findFirst().orElse(null);
            return new Caller(Caller.PROGRAM, f.describe(), f.progId(), f.progName(), f.tag(), f.progType().name(),
                    f.insnIndex(), regs, HEX.formatHex(f.stack()), r.callerThreadId(), program);
        }
        return new Caller(Caller.KERNEL, r.caller().describe(), null, null, null, null, null, null, null, r.callerThreadId(), null);
    }

    static String register(long value) { return String.format(java.util.Locale.ROOT, "%016x", value); }

    private static Program program(ProgramSnapshot p) {
        List<Instruction> insns = new ArrayList<>(p.insns().size());
        byte[] slot = new byte[8];
        for (int i = 0; i < p.insns().size(); i++) {
            Insn insn = p.insns().get(i);
            insn.encode(slot, 0);
            insns.add(new Instruction(i, HEX.formatHex(slot), p.xlated().isEmpty() ? "" : p.xlated().get(i)));
        }
        return new Program(p.id(), p.name(), p.tag(), p.type().name(), p.jited(), insns);
    }

    private static MapDump map(MapSnapshot m) {
        return new MapDump(m.id(), m.name(), m.type().name(), m.keySize(), m.valueSize(), m.maxEntries(), m.entryCount(),
                m.truncated(), m.entries().stream().map(e -> new MapEntry(HEX.formatHex(e.key()), HEX.formatHex(e.value()))).toList());
    }

    private static Link link(LinkSnapshot l) { return new Link(l.id(), l.type(), l.progId(), l.target()); }

    private static Bundle bundle(BundleSnapshot b) { return new Bundle(b.id(), b.symbolicName(), b.version(), b.state()); }

    private static LogLine logLine(KmsgRecord k) { return new LogLine(k.seq(), k.level().value(), k.uptimeNanos(), k.text()); }

    private static JvmThread thread(ThreadSnapshot t) {
        return new JvmThread(t.id(), t.name(), t.state(), t.daemon(), t.waitingOn(), t.frames());
    }
}
