package dev.kbpf.tracepoint;

/**
 * Something attached to a tracepoint: in practice a link that runs one BPF program with the
 * record as its context. Called on the firing thread; may be called by many threads at once.
 */
@FunctionalInterface
public interface TracepointProbe {

    /** Runs on one record ({@code length} bytes of {@code record} are the record); returns r0. */
    long onEvent(byte[] record, int length);
}
