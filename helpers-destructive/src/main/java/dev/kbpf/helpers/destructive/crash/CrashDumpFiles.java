package dev.kbpf.helpers.destructive.crash;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * How dump files are named: {@code crash-<UTC time>-<boot>-<seq>.json}, for example
 * {@code crash-20261125T120001.500000Z-3f2a9c1e-0001.json}. The fixed-width time comes first
 * so that names sort by time across boots; the boot id's first 8 digits and a sequence
 * number tell dumps of the same microsecond apart. A dump's id is its name without {@code .json}.
 */
public final class CrashDumpFiles {
    private CrashDumpFiles() {}

    public static final String PREFIX = "crash-";
    public static final String SUFFIX = ".json";
    /** Files being written start with this and are never read: a dump is visible only once whole. */
    public static final String TEMP_PREFIX = ".";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    public static String name(Instant time, UUID bootId, int seq) {
        return PREFIX + TIME.format(time) + "-" + bootId.toString().substring(0, 8) + "-" + String.format(Locale.ROOT, "%04d", seq) + SUFFIX;
    }

    /** True for a finished dump's file name (not a temporary file, not anything else in the directory). */
    public static boolean isDump(Path file) {
        String n = file.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX) && n.length() > PREFIX.length() + SUFFIX.length();
    }

    public static String id(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(SUFFIX) ? n.substring(0, n.length() - SUFFIX.length()) : n;
    }
}
