package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.maps.RingBuffer;
import dev.kbpf.maps.RingbufMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The committed example objects (clang-compiled C against libbpf's bpf_helpers.h, in
 * {@code ../examples}) loaded unchanged, verified with these helpers, attached to their
 * tracepoints and fired: the helpers as C programs call them.
 */
class ExampleObjectsTest {
    private HelperRuntime k = new HelperRuntime();

    @AfterEach
    void close() { k.close(); }

    /** Runs the test with the interpreter (where a JIT gap would make it fail). */
    private void interpreted() {
        k.close();
        k = new HelperRuntime(false);
    }

    private static Path example(String name) {
        Path p = Path.of("..", "examples", name + ".o").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), "example object not found: " + p);
        return p;
    }

    private LoadedObject load(String name) {
        ObjLoadAttr attr = ObjLoadAttr.of(example(name));
        return k.bpf.objLoad(new ObjLoadAttr(attr.file(), Optional.empty(), Optional.empty(), 0, 1, attr.credentials()));
    }

    private static int mapId(LoadedObject o, String name) {
        return o.maps().stream().filter(m -> m.name().equals(name)).map(MapInfo::id).findFirst()
                .orElseThrow(() -> new AssertionError("no map " + name + " in " + o.maps()));
    }

    private static ProgInfo prog(LoadedObject o, String name) {
        return o.programs().stream().filter(p -> p.name().equals(name.length() > 15 ? name.substring(0, 15) : name)).findFirst()
                .orElseThrow(() -> new AssertionError("no program " + name + " in " + o.programs()));
    }

    /** The 8-byte common header of every record (struct trace_entry), then the event's own fields. */
    private static List<TracepointField> withHeader(TracepointField... fields) {
        List<TracepointField> all = new ArrayList<>(List.of(
                new TracepointField("common_type", "unsigned short", 0, 2, false),
                new TracepointField("common_flags", "unsigned char", 2, 1, false),
                new TracepointField("common_preempt_count", "unsigned char", 3, 1, false),
                TracepointField.s32("common_pid", 4)));
        all.addAll(List.of(fields));
        return all;
    }

    private static ByteBuffer record(int size) {
        ByteBuffer r = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt(4, (int) Thread.currentThread().getId());
        return r;
    }

    @Test
    void ringbufEventsSendsOneRecordPerServiceEvent() {
        Tracepoint tp = k.bpf.defineTracepoint("osgi", "service_event", withHeader(TracepointField.u64("service_id", 8),
                TracepointField.u32("type", 16), TracepointField.u32("__pad", 20), TracepointField.u64("bundle_id", 24),
                TracepointField.chars("objectclass", 32, 64)));
        LoadedObject o = load("ringbuf_events");
        k.bpf.attach(prog(o, "service_events").id(), "osgi:service_event");
        ByteBuffer r = record(96);
        r.putLong(8, 42).putInt(16, 1).putLong(24, 7);
        r.put(32, "org.example.Greeter\0".getBytes(StandardCharsets.US_ASCII));
        long before = System.nanoTime();
        tp.fireRecord(r.array());
        long after = System.nanoTime();

        List<ByteBuffer> events = new ArrayList<>();
        try (RingBuffer rb = new RingBuffer((RingbufMap) k.bpf.map(mapId(o, "events")), data -> {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(data.duplicate()).flip();
            events.add(copy);
            return 0;
        })) {
            assertEquals(1, rb.consume());
        }
        ByteBuffer e = events.get(0);
        assertEquals(96, e.remaining(), "sizeof(struct event)");
        long ts = e.getLong(0);
        assertTrue(before <= ts && ts <= after, "bpf_ktime_get_ns: " + ts);
        assertEquals(42, e.getLong(8), "service_id");
        assertEquals(7, e.getLong(16), "bundle_id");
        assertEquals((int) Thread.currentThread().getId(), e.getInt(24), "pid: the low half of bpf_get_current_pid_tgid");
        assertEquals(1, e.getInt(28), "type");
        byte[] oc = new byte[64];
        e.get(32, oc);
        assertEquals("org.example.Greeter", HelperRuntime.cString(oc, 0), "bpf_probe_read_kernel_str");
    }

    @Test
    void counterCountsBundleEventsPerThread() {
        Tracepoint tp = k.bpf.defineTracepoint("osgi", "bundle_event", withHeader(TracepointField.u64("bundle_id", 8),
                TracepointField.u32("type", 16), TracepointField.u32("state", 20), TracepointField.chars("symbolic_name", 24, 64)));
        LoadedObject o = load("counter");
        k.bpf.attach(o.programs().get(0).id(), "osgi:bundle_event");
        for (int i = 0; i < 5; i++) tp.fireRecord(record(88).array());
        assertEquals(5, ByteBuffer.wrap(k.bpf.mapLookup(mapId(o, "counts"), HelperRuntime.le32((int) Thread.currentThread().getId()))
                .orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    @Test
    void tailCallDispatchesByEventTypeInterpreted() {
        interpreted();
        tailCallDispatchesByEventType();
    }

    @Test
    void tailCallDispatchesByEventTypeJited() { tailCallDispatchesByEventType(); }

    private void tailCallDispatchesByEventType() {
        Tracepoint tp = k.bpf.defineTracepoint("osgi", "bundle_event", withHeader(TracepointField.u64("bundle_id", 8),
                TracepointField.u32("type", 16), TracepointField.u32("state", 20), TracepointField.chars("symbolic_name", 24, 64)));
        LoadedObject o = load("tail_call");
        k.bpf.attach(prog(o, "dispatch").id(), "osgi:bundle_event");
        for (int type : new int[] {2, 2, 4, 1, 8, 4, 2}) {
            ByteBuffer r = record(88);
            r.putInt(16, type);
            tp.fireRecord(r.array());
        }
        int handled = mapId(o, "handled");
        assertEquals(3, count(handled, 2), "STARTED handled by handle_started");
        assertEquals(2, count(handled, 4), "STOPPED handled by handle_stopped");
        assertEquals(2, count(handled, 0), "no handler: the tail call fell through");
    }

    private long count(int map, int key) {
        return k.bpf.mapLookup(map, HelperRuntime.le32(key)).map(v -> ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong()).orElse(0L);
    }

    @Test
    void loopCallbackSumsTheBucketsInterpreted() {
        interpreted();
        loopCallbackSumsTheBuckets();
    }

    @Test
    void loopCallbackSumsTheBucketsJited() { loopCallbackSumsTheBuckets(); }

    private void loopCallbackSumsTheBuckets() {
        Tracepoint tp = k.bpf.defineTracepoint("osgi", "framework_event", withHeader(TracepointField.u32("type", 8),
                TracepointField.u32("__pad", 12), TracepointField.u64("bundle_id", 16)));
        LoadedObject o = load("loop_callback");
        k.bpf.attach(prog(o, "sum_buckets").id(), "osgi:framework_event");
        int buckets = mapId(o, "buckets");
        for (int i = 0; i < 16; i++) k.bpf.mapUpdate(buckets, HelperRuntime.le32(i), HelperRuntime.le64(i + 1), 0);
        tp.fireRecord(record(24).array());
        long total = count(mapId(o, "total"), 0);
        assertEquals(136, total, "1 + 2 + ... + 16");
    }
}
