package dev.kbpf.helpers.destructive.crash;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A line of the dump list: the dump's id (its file name without {@code .json}), when and why it
 * was taken, and its message. A file that cannot be read is listed with reason {@code UNREADABLE},
 * the error as its message and the file's modification time.
 */
public record CrashDumpSummary(String id, Path file, Instant time, String reason, String message, String bootId) {

    public static final String UNREADABLE = "UNREADABLE";

    public boolean readable() { return !UNREADABLE.equals(reason); }
}
