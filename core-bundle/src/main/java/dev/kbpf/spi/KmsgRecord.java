package dev.kbpf.spi;

import java.util.Objects;

/**
 * One line of the kernel log ({@code /dev/kmsg}): its sequence number, level, the machine's
 * uptime when it was logged, and the text (one line, printable).
 */
public record KmsgRecord(long seq, LogLevel level, long uptimeNanos, String text) {

    public KmsgRecord {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(text, "text");
        if (uptimeNanos < 0) throw new IllegalArgumentException("negative uptime " + uptimeNanos);
    }

    /** As {@code dmesg} prints it: {@code [   12.345678] text}, uptime in seconds and microseconds. */
    public String format() { return timestamp(uptimeNanos) + " " + text; }

    /** As {@code dmesg -r} prints it, with the level first: {@code <4>[   12.345678] text}. */
    public String formatRaw() { return "<" + level.value() + ">" + format(); }

    /** Linux's printk time prefix, {@code [%5lu.%06lu]}. */
    public static String timestamp(long uptimeNanos) {
        return String.format(java.util.Locale.ROOT, "[%5d.%06d]", uptimeNanos / 1_000_000_000L, (uptimeNanos % 1_000_000_000L) / 1_000L);
    }
}
