package dev.kbpf.api;

import java.util.List;

/**
 * A static tracepoint that Java code fires and BPF programs attach to: a category, a name and a
 * record layout. The record is the context ({@code r1}) of every program attached to it.
 *
 * <p>Firing costs next to nothing while nothing is attached: guard expensive record building with
 * {@link #isEnabled()}, as Linux's static keys do —
 * <pre>{@code if (tp.isEnabled()) tp.fire(threadId, bytes);}</pre>
 */
public interface Tracepoint {

    String category();

    String name();

    /** {@code category:name}, as attach targets are written. */
    default String fullName() { return category() + ":" + name(); }

    List<TracepointField> fields();

    /** Bytes in a record: the end of the last field, rounded up to 8. */
    int recordSize();

    /** True while at least one program is attached. */
    boolean isEnabled();

    /**
     * Fires with one value per field, in field order (integers are stored little-endian in the
     * field's size; {@code char[]} fields take the UTF-8 bytes of a {@link String} or a {@code byte[]},
     * cut to the field's size and NUL-padded). Runs every attached program on this thread.
     */
    void fire(Object... values);

    /** Fires with a record already laid out (at least {@link #recordSize()} bytes are used). */
    void fireRecord(byte[] record);

    /** The format text Linux shows in {@code /sys/kernel/tracing/events/CAT/NAME/format}. */
    String format();
}
