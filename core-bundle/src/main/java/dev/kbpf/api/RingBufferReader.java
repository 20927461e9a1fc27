package dev.kbpf.api;

import java.nio.ByteBuffer;

/**
 * A consumer of a {@code RINGBUF} map's records, as libbpf's {@code ring_buffer__new} /
 * {@code ring_buffer__poll} / {@code ring_buffer__consume} / {@code ring_buffer__free}. Records
 * arrive in the order they were submitted; discarded ones are skipped. One thread polls a reader.
 */
public interface RingBufferReader extends AutoCloseable {

    /** What the reader does with each record: {@code data} is valid only during the call. */
    @FunctionalInterface
    interface Handler {
        /** @return non-negative to go on; a negative value stops the poll and is what it returns */
        int onRecord(ByteBuffer data);
    }

    /** Waits up to {@code timeoutMillis} for records and handles those available; returns how many, or a handler's negative value. */
    int poll(long timeoutMillis);

    /** Handles every record available now, without waiting. */
    int consume();

    @Override
    void close();
}
