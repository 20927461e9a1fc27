package dev.kbpf.api;

import java.nio.ByteBuffer;

/**
 * A consumer of a {@code PERF_EVENT_ARRAY} map, as libbpf's {@code perf_buffer__new} /
 * {@code perf_buffer__poll} / {@code perf_buffer__consume} / {@code perf_buffer__free}: opening it
 * installs a ring of {@code page_cnt} pages for each CPU, which {@code bpf_perf_event_output}
 * then writes to. Samples of one CPU arrive in order; samples dropped because a ring was full are
 * reported where they happened. One thread polls a reader.
 */
public interface PerfBufferReader extends AutoCloseable {

    /** libbpf's {@code perf_buffer_sample_fn}: one raw sample, little-endian; the handler may keep the buffer. */
    @FunctionalInterface
    interface SampleHandler {
        void onSample(int cpu, ByteBuffer data);
    }

    /** libbpf's {@code perf_buffer_lost_fn}: {@code count} samples of {@code cpu} were dropped. */
    @FunctionalInterface
    interface LostHandler {
        void onLost(int cpu, long count);
    }

    /** Waits up to {@code timeoutMillis} (-1: for ever) for samples and delivers what is available; returns how many records, or {@code -EINTR}. */
    int poll(long timeoutMillis);

    /** Delivers every record available now, without waiting. */
    int consume();

    /** Samples lost on every CPU so far. */
    long lost();

    /** Removes the rings from the map (later outputs fail with {@code -ENOENT}); a poll in progress returns. */
    @Override
    void close();
}
