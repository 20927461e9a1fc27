package dev.kbpf.shell;

import dev.kbpf.api.ProgInfo;
import java.util.List;
import java.util.Locale;

/**
 * A loaded program as {@code prog list}, {@code prog show} and {@code prog load} print it; in JSON
 * with bpftool's names where bpftool has one ({@code id}, {@code type}, {@code name}, {@code tag},
 * {@code loaded_at}, {@code map_ids}, {@code bytes_jited} (here the size of the JVM class the JIT made), {@code run_time_ns},
 * {@code run_cnt}). The type is Linux's name in lower case, as bpftool prints it.
 */
public record ProgView(int id, String name, String type, String tag, int insns, boolean jited, boolean destructive,
                       String loadedAt, List<Integer> mapIds, List<String> helpers, List<String> kfuncs,
                       long verificationNs, int processedInsns, long jitCompileNs, int bytesJited, long runTimeNs, long runCnt) {

    public static ProgView of(ProgInfo p) {
        return new ProgView(p.id(), p.name(), p.type().name().toLowerCase(Locale.ROOT), p.tag(), p.insnCount(), p.jited(),
                p.destructive(), p.loadedAt() == null ? null : p.loadedAt().toString(), p.mapIds(), p.helpers(), p.kfuncs(),
                p.verificationNanos(), p.processedInsns(), p.jitCompileNanos(), p.jitedBytes(), p.runTimeNanos(), p.runCount());
    }

    /** {@code prog show}: one {@code key: value} line per fact. */
    String detail() {
        StringBuilder sb = new StringBuilder();
        field(sb, "id", Integer.toString(id));
        field(sb, "name", name.isEmpty() ? "-" : name);
        field(sb, "type", type);
        field(sb, "tag", tag);
        field(sb, "insns", Integer.toString(insns));
        field(sb, "jited", !jited ? "no (interpreter)"
                : String.format(Locale.ROOT, "yes, %d bytes of JVM class compiled in %.3f ms", bytesJited, jitCompileNs / 1e6));
        field(sb, "destructive", destructive ? "yes" : "no");
        field(sb, "loaded_at", loadedAt == null ? "-" : loadedAt);
        field(sb, "map_ids", join(mapIds));
        field(sb, "helpers", join(helpers));
        field(sb, "kfuncs", join(kfuncs));
        field(sb, "verified", String.format(Locale.ROOT, "processed %d insns in %.3f ms", processedInsns, verificationNs / 1e6));
        if (runCnt > 0) {   // as bpftool: only when kernel.bpf_stats_enabled has counted runs
            field(sb, "run_time_ns", String.format(Locale.ROOT, "%d  run_cnt %d  (%.1f ns per run)", runTimeNs, runCnt, (double) runTimeNs / runCnt));
        }
        return sb.toString();
    }

    static String join(List<?> items) {
        if (items.isEmpty()) return "-";
        StringBuilder sb = new StringBuilder();
        for (Object o : items) {
            if (sb.length() > 0) sb.append(',');
            sb.append(o);
        }
        return sb.toString();
    }

    static void field(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-12s %s%n", key + ":", value));
    }
}
