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
 */
public record ProgInfo(int id, String name, ProgType type, String tag, int insnCount, boolean jited, boolean destructive,
                       Instant loadedAt, List<Integer> mapIds, List<String> helpers, List<String> kfuncs,
                       long verificationNanos, int processedInsns, String verifierLog) {

    public ProgInfo {
        mapIds = List.copyOf(mapIds);
        helpers = List.copyOf(helpers);
        kfuncs = List.copyOf(kfuncs);
        verifierLog = verifierLog == null ? "" : verifierLog;
    }
}
