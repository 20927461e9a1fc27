package dev.kbpf.maps;

import java.nio.ByteBuffer;

/**
 * What a {@link RingBuffer} consumer does with each record, like libbpf's
 * {@code ring_buffer_sample_fn}.
 */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Handles one record. {@code data} is a read-only little-endian view of the record's bytes in
     * the ring, valid only during this call (the space is reused once it returns).
     *
     * @return 0 (or any non-negative value) to go on; a negative value stops the poll and is
     *         returned by it, as libbpf does
     */
    int onRecord(ByteBuffer data);
}
