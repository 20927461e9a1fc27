package dev.kbpf.machine;

import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The kernel log ring buffer that {@code dmesg} reads: a bounded number of lines, the oldest
 * overwritten first, each stamped with a sequence number, a level and the uptime. Lines urgent
 * enough (level below the console log level, as Linux's {@code console_loglevel}) are also
 * printed on the console. Thread-safe: programs log from whatever thread fires them.
 */
public final class KernelLog {

    /** Lines kept by default. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** Longest line kept, in characters; longer ones are cut (Linux cuts at about 1 KiB too). */
    public static final int LINE_MAX = 1024;
    /** Linux's quiet boot: only KERN_EMERG..KERN_ERR reach the console. */
    public static final int DEFAULT_CONSOLE_LOGLEVEL = 4;

    private final KmsgRecord[] ring;
    private final LongSupplier uptimeNanos;
    private final Console console;
    private int head; // index of the oldest line
    private int size;
    private long nextSeq;
    private volatile int consoleLoglevel;

    /**
     * @param capacity    lines kept
     * @param uptimeNanos the machine's uptime, stamped on each line
     * @param console     where urgent lines are printed as well
     */
    public KernelLog(int capacity, LongSupplier uptimeNanos, Console console) {
        if (capacity <= 0) throw new IllegalArgumentException("kernel log capacity must be positive: " + capacity);
        this.ring = new KmsgRecord[capacity];
        this.uptimeNanos = Objects.requireNonNull(uptimeNanos, "uptimeNanos");
        this.console = Objects.requireNonNull(console, "console");
        this.consoleLoglevel = DEFAULT_CONSOLE_LOGLEVEL;
    }

    /** Logs {@code message}, one record per line; printed on the console when its level is below the console log level. */
    public List<KmsgRecord> printk(LogLevel level, String message) {
        return log(level, message, level.value() < consoleLoglevel);
    }

    /** Logs {@code message} and prints it on the console whatever its level. */
    public List<KmsgRecord> printkToConsole(LogLevel level, String message) {
        return log(level, message, true);
    }

    private synchronized List<KmsgRecord> log(LogLevel level, String message, boolean toConsole) {
        Objects.requireNonNull(level, "level");
        long now = Math.max(0, uptimeNanos.getAsLong());
        List<String> lines = lines(message);
        List<KmsgRecord> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            KmsgRecord r = new KmsgRecord(nextSeq++, level, now, line);
            if (size == ring.length) {
                ring[head] = r;
                head = (head + 1) % ring.length;
            } else {
                ring[(head + size++) % ring.length] = r;
            }
            out.add(r);
            // under the lock, so the console shows lines in sequence order
            if (toConsole) console.println(r.format());
        }
        return out;
    }

    /** Splits on newlines (one trailing newline ends the message, as in printk), escapes control characters, cuts long lines. */
    static List<String> lines(String message) {
        String m = message == null ? "(null)" : message;
        if (m.endsWith("\n")) m = m.substring(0, m.length() - 1);
        List<String> out = new ArrayList<>();
        for (String raw : m.split("\n", -1)) {
            StringBuilder sb = new StringBuilder(Math.min(raw.length(), LINE_MAX));
            for (int i = 0; i < raw.length() && sb.length() < LINE_MAX; i++) {
                char c = raw.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                else sb.append(c);
            }
            if (sb.length() > LINE_MAX) sb.setLength(LINE_MAX);
            out.add(sb.toString());
        }
        return out;
    }

    /** Every line held, oldest first. */
    public synchronized List<KmsgRecord> records() {
        List<KmsgRecord> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(ring[(head + i) % ring.length]);
        return out;
    }

    /** Lines with a sequence number at least {@code seq}, oldest first: for a reader following the log. */
    public synchronized List<KmsgRecord> since(long seq) {
        List<KmsgRecord> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            KmsgRecord r = ring[(head + i) % ring.length];
            if (r.seq() >= seq) out.add(r);
        }
        return out;
    }

    /** The sequence number the next line will get; lines before {@code nextSeq() - size()} were overwritten. */
    public synchronized long nextSeq() { return nextSeq; }

    public synchronized int size() { return size; }

    public int capacity() { return ring.length; }

    /** {@code dmesg -C}: forgets every line (sequence numbers keep counting). */
    public synchronized void clear() {
        java.util.Arrays.fill(ring, null);
        head = 0;
        size = 0;
    }

    /** As {@code dmesg} prints the whole log, one line each. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (KmsgRecord r : records()) sb.append(r.format()).append('\n');
        return sb.toString();
    }

    /** Lines with a level value below this reach the console (1..8; 8 shows everything, as {@code dmesg -n}). */
    public int consoleLoglevel() { return consoleLoglevel; }

    public void setConsoleLoglevel(int level) {
        if (level < 1 || level > 8) throw new dev.kbpf.api.BpfException(dev.kbpf.api.Errno.EINVAL,
                "console log level must be 1..8, got " + level);
        consoleLoglevel = level;
    }
}
