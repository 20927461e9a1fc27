package dev.kbpf.helpers.destructive.crash;

import dev.kbpf.spi.KmsgRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A crash dump shown the way the {@code crash} utility shows a vmcore: {@link #sys()} the
 * system, {@link #log()} the kernel log, {@link #bt()} the panicking program's frame and then
 * every JVM thread's stack. Text only; the shell prints it.
 */
public final class CrashDumpView {

    /** Instructions shown before and after the one that made the call. */
    static final int INSNS_BEFORE = 5, INSNS_AFTER = 2;

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final CrashDumpDocument dump;
    private final String dumpFile;

    /** @param dumpFile what the DUMPFILE line shows: the file's name or path */
    public CrashDumpView(CrashDumpDocument dump, String dumpFile) {
        this.dump = Objects.requireNonNull(dump, "dump");
        this.dumpFile = Objects.requireNonNull(dumpFile, "dumpFile");
    }

    /** {@code crash> sys}: what system this was and why it stopped. */
    public String sys() {
        StringBuilder sb = new StringBuilder();
        field(sb, "KERNEL", "kbpf " + dump.kbpfVersion());
        field(sb, "DUMPFILE", dumpFile);
        field(sb, "BOOT ID", dump.bootId());
        field(sb, "DATE", date(dump.time()));
        field(sb, "UPTIME", uptime(dump.uptimeNs()));
        field(sb, "TASKS", Integer.toString(dump.threads().size()));
        field(sb, "PROGRAMS", Integer.toString(dump.programs().size()));
        field(sb, "MAPS", Integer.toString(dump.maps().size()));
        field(sb, "LINKS", Integer.toString(dump.links().size()));
        field(sb, "BUNDLES", Integer.toString(dump.bundles().size()));
        field(sb, "STATE", dump.state());
        field(sb, "REASON", dump.reason() + " (" + dump.kfunc() + ")");
        if (dump.caller() != null) field(sb, "CALLER", dump.caller().origin());
        // crash shows the panic string, or "" when the dump was not taken by a panic
        field(sb, "PANIC", "\"" + ("PANIC".equals(dump.reason()) ? "Kernel panic - not syncing: " + dump.message() : "") + "\"");
        if (!"PANIC".equals(dump.reason())) field(sb, "MESSAGE", "\"" + dump.message() + "\"");
        return sb.toString();
    }

    /** {@code crash> log}: the kernel log as {@code dmesg} printed it at the crash. */
    public String log() { return log(false); }

    /** {@code crash> log -m}: each line with its level first, as {@code <0>}. */
    public String log(boolean levels) {
        StringBuilder sb = new StringBuilder();
        for (CrashDumpDocument.LogLine l : dump.dmesg()) {
            if (levels) sb.append('<').append(l.level()).append('>');
            sb.append(KmsgRecord.timestamp(l.uptimeNs())).append(' ').append(l.text()).append('\n');
        }
        return sb.toString();
    }

    /**
     * {@code crash> bt -a}: the calling program's frame (registers, the instructions around the
     * call, its stack), then every JVM thread's stack, the calling thread first.
     */
    public String bt() {
        StringBuilder sb = new StringBuilder();
        CrashDumpDocument.Caller c = dump.caller();
        long callerThread = c == null ? -1 : c.threadId();
        if (c != null && CrashDumpDocument.Caller.PROGRAM.equals(c.kind())) programFrame(sb, c);
        else sb.append("no BPF program frame: called by ").append(c == null ? "unknown" : c.origin()).append('\n');
        List<CrashDumpDocument.JvmThread> threads = new ArrayList<>(dump.threads());
        threads.sort((a, b) -> Boolean.compare(b.id() == callerThread, a.id() == callerThread));
        for (CrashDumpDocument.JvmThread t : threads) {
            sb.append('\n');
            sb.append(String.format(Locale.ROOT, "TID: %-6d STATE: %-13s COMMAND: \"%s\"%s%s%n", t.id(), t.state(), t.name(),
                    t.daemon() ? "  DAEMON" : "", t.id() == callerThread ? "  (calling thread)" : ""));
            if (t.waitingOn() != null && !t.waitingOn().isEmpty()) sb.append("    waiting on ").append(t.waitingOn()).append('\n');
            for (int i = 0; i < t.frames().size(); i++)
                sb.append(String.format(Locale.ROOT, " #%-2d %s%n", i, t.frames().get(i)));
        }
        return sb.toString();
    }

    private void programFrame(StringBuilder sb, CrashDumpDocument.Caller c) {
        CrashDumpDocument.Program p = c.program();
        sb.append(String.format(Locale.ROOT, "PROG: %-6d NAME: \"%s\"  TAG: %s  TYPE: %s%s%n", c.progId(), c.progName(), c.tag(),
                c.progType(), p == null ? "" : "  JITED: " + (p.jited() ? "yes" : "no")));
        int pc = c.insnIndex() == null ? -1 : c.insnIndex();
        String at = p != null && pc >= 0 && pc < p.insns().size() ? p.insns().get(pc).text() : "";
        sb.append(String.format(Locale.ROOT, " #0 [insn %d] %s%n", pc, at.isEmpty() ? "(instructions not in the dump)" : at));
        registers(sb, c.registers());
        if (p != null && pc >= 0) instructions(sb, p, pc);
        byte[] stack;
        try {
            stack = c.stack() == null ? new byte[0] : HexFormat.of().parseHex(c.stack());
        } catch (IllegalArgumentException e) {
            sb.append("    stack unreadable: ").append(e.getMessage()).append('\n');
            return;
        }
        stack(sb, stack);
    }

    private static void registers(StringBuilder sb, Map<String, String> regs) {
        if (regs == null) return;
        int i = 0;
        StringBuilder line = new StringBuilder("   ");
        for (Map.Entry<String, String> e : regs.entrySet()) {
            line.append(String.format(Locale.ROOT, " %-4s %s", e.getKey().toUpperCase(Locale.ROOT) + ":", e.getValue()));
            if (++i % 3 == 0) {
                sb.append(line).append('\n');
                line.setLength(3);
            }
        }
        if (line.length() > 3) sb.append(line).append('\n');
    }

    private static void instructions(StringBuilder sb, CrashDumpDocument.Program p, int pc) {
        int from = Math.max(0, pc - INSNS_BEFORE), to = Math.min(p.insns().size() - 1, pc + INSNS_AFTER);
        if (from > to) return;
        sb.append("    instructions:\n");
        for (int i = from; i <= to; i++) {
            CrashDumpDocument.Instruction insn = p.insns().get(i);
            if (insn.text().isEmpty() && i != pc) continue; // second slot of a wide instruction
            sb.append(String.format(Locale.ROOT, "    %s%4d: (%s) %s%n", i == pc ? "=>" : "  ", i, insn.bytes().substring(0, 2), insn.text()));
        }
    }

    /** The frame as {@code hexdump} shows memory: 16 bytes a row, offsets from R10, a repeated row as {@code *}. */
    private static void stack(StringBuilder sb, byte[] stack) {
        if (stack.length == 0) return;
        sb.append("    stack (").append(stack.length).append(" bytes below R10):\n");
        HexFormat hex = HexFormat.ofDelimiter(" ");
        String previous = null;
        boolean starred = false;
        for (int off = 0; off < stack.length; off += 16) {
            byte[] row = java.util.Arrays.copyOfRange(stack, off, Math.min(stack.length, off + 16));
            String text = hex.formatHex(row);
            boolean last = off + 16 >= stack.length;
            if (text.equals(previous) && !last) {
                if (!starred) sb.append("    *\n");
                starred = true;
                continue;
            }
            starred = false;
            previous = text;
            sb.append(String.format(Locale.ROOT, "    r10-%-4d %s%n", stack.length - off, text));
        }
    }

    /** {@code crash list}: one dump a line, oldest first. */
    public static String listing(List<CrashDumpSummary> dumps) {
        if (dumps.isEmpty()) return "no crash dumps\n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-48s %-24s %-12s %s%n", "ID", "TIME", "REASON", "MESSAGE"));
        for (CrashDumpSummary d : dumps)
            sb.append(String.format(Locale.ROOT, "%-48s %-24s %-12s %s%n", d.id(), d.time(), d.reason(), d.message()));
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "%12s: %s%n", name, value));
    }

    private static String date(String iso) {
        try {
            return DATE.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso;
        }
    }

    /** As crash prints UPTIME: {@code 00:05:12}, or {@code 3 days, 00:05:12}. */
    static String uptime(long nanos) {
        long s = nanos / 1_000_000_000L;
        long days = s / 86_400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", h, m, sec);
        return days > 0 ? days + (days == 1 ? " day, " : " days, ") + hms : hms;
    }
}
