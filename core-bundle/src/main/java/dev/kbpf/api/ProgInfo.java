package dev.kbpf.api;

import java.time.Instant;
import java.util.List;

/**
 * What {@code prog show} tells about a loaded program.
 *
 * @param tag        the first 8 bytes of the SHA-1 of the instructions, in hex, as Linux shows it
 * @param jited      true when the JIT runs it, false for the interpreter
 * @param mapIds     the maps it uses
 * @param helpers    names of the helpers it calls
 * @param kfuncs     names of the kfuncs it calls
 * @param verifierLog the log of its load, when a log level was asked for
 * @param jitCompileNanos how long the JIT took to compile it at load time (0 for the interpreter)
 * @param jitedBytes  the size of the JVM class the JIT generated for it (bpftool's {@code bytes_jited}; 0 for the interpreter)
 * @param runTimeNanos time spent in its runs while {@code kernel.bpf_stats_enabled} was 1 (bpftool's {@code run_time_ns})
 * @param runCount    its runs while {@code kernel.bpf_stats_enabled} was 1 (bpftool's {@code run_cnt})
 */
public record ProgInfo(int id, String name, ProgType type, String tag, int insnCount, boolean jited, boolean destructive,
                       Instant loadedAt, List<Integer> mapIds, List<String> helpers, List<String> kfuncs,
                       long verificationNanos, int processedInsns, String verifierLog, long jitCompileNanos, int jitedBytes,
                       long runTimeNanos, long runCount) {

    /** Without JIT figures (an interpreted program, or a caller that has none). */
    public ProgInfo(int id, String name, ProgType type, String tag, int insnCount, boolean jited, boolean destructive,
                    Instant loadedAt, List<Integer> mapIds, List<String> helpers, List<String> kfuncs,
                    long verificationNanos, int processedInsns, String verifierLog) {
        this(id, name, type, tag, insnCount, jited, destructive, loadedAt, mapIds, helpers, kfuncs, verificationNanos, processedInsns,
                verifierLog, 0, 0, 0, 0);
    }

    public ProgInfo {
        mapIds = List.copyOf(mapIds);
        helpers = List.copyOf(helpers);
        kfuncs = List.copyOf(kfuncs);
        verifierLog = verifierLog == null ? "" : verifierLog;
    }
}
