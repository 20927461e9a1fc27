package dev.kbpf.verifier.log;

/**
 * The verifier log buffer with Linux's level bits. Text is only built when the level asks for it,
 * so a level-0 verification costs nothing here. The buffer keeps the last {@link #CAP} characters
 * when a very long exploration overflows it (Linux's rotating log).
 */
public final class VerifierLog {
    public static final int LEVEL1 = 1, LEVEL2 = 2, STATS = 4;
    static final int CAP = 16 << 20;

    private final int level;
    private final StringBuilder sb = new StringBuilder();
    private boolean truncated;

    public VerifierLog(int level) { this.level = level; }

    public int level() { return level; }

    public boolean level1() { return (level & (LEVEL1 | LEVEL2)) != 0; }

    public boolean level2() { return (level & LEVEL2) != 0; }

    public boolean stats() { return (level & STATS) != 0; }

    public boolean enabled() { return level != 0; }

    /** Appends a line (a newline is added). */
    public void line(String s) {
        sb.append(s).append('\n');
        if (sb.length() > 2 * CAP) {
            sb.delete(0, sb.length() - CAP);
            truncated = true;
        }
    }

    public boolean truncated() { return truncated; }

    @Override
    public String toString() { return sb.toString(); }
}
