package dev.kbpf.osgi;

import dev.kbpf.api.TracepointField;
import java.util.ArrayList;
import java.util.List;

/**
 * The record layouts of kbpf's own tracepoints (examples/README.md documents them for C). As in
 * Linux every record starts with {@code struct trace_entry}: common_type, common_flags,
 * common_preempt_count, common_pid.
 */
final class RecordLayouts {
    private RecordLayouts() {}

    static List<TracepointField> withCommonHeader(TracepointField... fields) {
        List<TracepointField> all = new ArrayList<>();
        all.add(new TracepointField("common_type", "unsigned short", 0, 2, false));
        all.add(new TracepointField("common_flags", "unsigned char", 2, 1, false));
        all.add(new TracepointField("common_preempt_count", "unsigned char", 3, 1, false));
        all.add(new TracepointField("common_pid", "int", 4, 4, true));
        all.addAll(List.of(fields));
        return all;
    }

    static final List<TracepointField> BUNDLE_EVENT = withCommonHeader(
            TracepointField.u64("bundle_id", 8), TracepointField.u32("type", 16), TracepointField.u32("state", 20),
            TracepointField.chars("symbolic_name", 24, 64));

    static final List<TracepointField> SERVICE_EVENT = withCommonHeader(
            TracepointField.u64("service_id", 8), TracepointField.u32("type", 16), TracepointField.u32("__pad", 20),
            TracepointField.u64("bundle_id", 24), TracepointField.chars("objectclass", 32, 64));

    static final List<TracepointField> FRAMEWORK_EVENT = withCommonHeader(
            TracepointField.u32("type", 8), TracepointField.u32("__pad", 12), TracepointField.u64("bundle_id", 16));

    static final List<TracepointField> GC_PAUSE = withCommonHeader(
            TracepointField.u64("gc_id", 8), TracepointField.u64("duration_ns", 16), TracepointField.chars("name", 24, 32));

    static final List<TracepointField> THREAD = withCommonHeader(
            TracepointField.u64("java_thread_id", 8), TracepointField.chars("name", 16, 32));

    static final List<TracepointField> MONITOR_CONTENDED = withCommonHeader(
            TracepointField.u64("java_thread_id", 8), TracepointField.u64("duration_ns", 16), TracepointField.chars("monitor_class", 24, 64));

    /** The values of the common header for an event fired on this thread. */
    static Object[] header(int type, Object... fields) {
        Object[] all = new Object[4 + fields.length];
        all[0] = type & 0xffff;
        all[1] = 0;
        all[2] = 0;
        all[3] = (int) Thread.currentThread().getId();
        System.arraycopy(fields, 0, all, 4, fields.length);
        return all;
    }
}
