package dev.kbpf.helpers.destructive.crash;

/** A crash dump that cannot be found or read; the message names the dump and what is wrong. */
public class CrashDumpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CrashDumpException(String message) { super(message); }

    public CrashDumpException(String message, Throwable cause) { super(message, cause); }
}
