/**
 * Crash dumps: one JSON file per crash under a {@code crash/} directory, written whole or not
 * at all ({@link dev.kbpf.helpers.destructive.crash.JsonCrashDumpWriter}), listed and shown the
 * way the {@code crash} utility's {@code sys}, {@code log} and {@code bt} commands would
 * ({@link dev.kbpf.helpers.destructive.crash.CrashDumpReader},
 * {@link dev.kbpf.helpers.destructive.crash.CrashDumpView}). The file format is
 * {@link dev.kbpf.helpers.destructive.crash.CrashDumpDocument}.
 */
package dev.kbpf.helpers.destructive.crash;
