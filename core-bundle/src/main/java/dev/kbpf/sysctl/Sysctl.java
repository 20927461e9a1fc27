package dev.kbpf.sysctl;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import java.util.regex.Pattern;

/**
 * The definition of one integer sysctl, as a {@code ctl_table} entry handled by
 * {@code proc_dointvec_minmax}: its dotted name, default, inclusive accepted range and what it means.
 * The current value lives in {@link SysctlRegistry}.
 */
public record Sysctl(String name, int defaultValue, int min, int max, String description) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)+");

    public Sysctl {
        if (name == null || !NAME.matcher(name).matches())
            throw new IllegalArgumentException("a sysctl name is dotted lower-case words like kernel.panic: " + name);
        if (min > max) throw new IllegalArgumentException(name + ": empty range " + min + ".." + max);
        if (defaultValue < min || defaultValue > max)
            throw new IllegalArgumentException(name + ": default " + defaultValue + " outside " + min + ".." + max);
        description = description == null ? "" : description;
    }

    /** A 0/1 switch. */
    public static Sysctl bool(String name, boolean defaultOn, String description) {
        return new Sysctl(name, defaultOn ? 1 : 0, 0, 1, description);
    }

    public boolean accepts(int value) { return value >= min && value <= max; }

    /** The accepted values as a user reads them: {@code 0..1}. */
    public String range() { return min + ".." + max; }

    /** Throws {@code EINVAL} naming this sysctl and its range unless {@code value} is accepted. */
    public void check(int value) {
        if (!accepts(value))
            throw new BpfException(Errno.EINVAL, "invalid value " + value + " for sysctl " + name + ": accepted range is " + range());
    }

    /** Parses a written value the way {@code sysctl -w} passes it (decimal, surrounding blanks allowed), then checks it. */
    public int parse(String text) {
        if (text == null) throw new BpfException(Errno.EINVAL, "no value given for sysctl " + name + ": accepted range is " + range());
        String t = text.strip();
        int value;
        try {
            value = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new BpfException(Errno.EINVAL, "invalid value '" + t + "' for sysctl " + name + ": an integer in " + range() + " is expected");
        }
        check(value);
        return value;
    }
}
