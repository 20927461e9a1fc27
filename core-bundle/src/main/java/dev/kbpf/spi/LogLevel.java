package dev.kbpf.spi;

/** printk log levels, as Linux's {@code KERN_*} (0 most urgent). */
public enum LogLevel {
    KERN_EMERG, KERN_ALERT, KERN_CRIT, KERN_ERR, KERN_WARNING, KERN_NOTICE, KERN_INFO, KERN_DEBUG;

    /** The number {@code dmesg -r} prints as {@code <N>}. */
    public int value() { return ordinal(); }

    /** Accepts 0..7 and names with or without {@code KERN_}, any case ({@code warning}, {@code KERN_WARNING}, {@code 4}). */
    public static LogLevel parse(String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        if (t.length() == 1 && t.charAt(0) >= '0' && t.charAt(0) <= '7') return values()[t.charAt(0) - '0'];
        if (t.equals("WARN")) t = "WARNING";
        if (!t.startsWith("KERN_")) t = "KERN_" + t;
        try {
            return valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new dev.kbpf.api.BpfException(dev.kbpf.api.Errno.EINVAL, "unknown log level '" + text + "': 0..7 or emerg, alert, crit, err, warning, notice, info, debug");
        }
    }
}
