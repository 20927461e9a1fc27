package dev.kbpf.tracepoint;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.TracepointField;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TracepointTest {
    private final TracepointRegistry registry = new TracepointRegistry();
    private final List<TracepointField> layout = List.of(
            TracepointField.u64("bundle_id", 0), TracepointField.u32("type", 8), TracepointField.chars("name", 12, 16));

    @Test
    void recordLayoutAndFormatFollowLinux() {
        TracepointDefinition tp = registry.define("osgi", "bundle_event", layout);
        assertEquals(32, tp.recordSize());
        String format = tp.format();
        assertTrue(format.contains("name: bundle_event"), format);
        assertTrue(format.contains("\tfield:u32 type;\toffset:8;\tsize:4;\tsigned:0;"), format);
        assertTrue(format.contains("\tfield:char name[16];\toffset:12;\tsize:16;\tsigned:0;"), format);
    }

    @Test
    void firingWritesFieldsLittleEndianAndRunsEveryProbe() {
        TracepointDefinition tp = registry.define("osgi", "bundle_event", layout);
        List<byte[]> seen = new ArrayList<>();
        tp.attach((rec, len) -> { seen.add(java.util.Arrays.copyOf(rec, len)); return 0; });
        AtomicLong second = new AtomicLong();
        tp.attach((rec, len) -> second.incrementAndGet());
        tp.fire(0x0102030405060708L, 7, "dev.kbpf.core.with.a.long.name");
        assertEquals(1, seen.size());
        byte[] r = seen.get(0);
        assertEquals(0x08, r[0]);
        assertEquals(0x01, r[7]);
        assertEquals(7, r[8]);
        assertEquals('d', r[12]);
        assertEquals(0, r[27], "char[16] keeps a terminating NUL");
        assertEquals(1, second.get());
    }

    @Test
    void enabledOnlyWhileSomethingIsAttached() {
        TracepointDefinition tp = registry.define("app", "tick", List.of(TracepointField.u64("n", 0)));
        assertFalse(tp.isEnabled());
        TracepointProbe p = (rec, len) -> 0;
        tp.attach(p);
        assertTrue(tp.isEnabled());
        assertTrue(tp.detach(p));
        assertFalse(tp.isEnabled());
        assertFalse(tp.detach(p));
        tp.fire(1L); // nothing attached: nothing runs, nothing fails
    }

    @Test
    void badDefinitionsAreRefusedWithTheirReason() {
        BpfException overlap = assertThrows(BpfException.class, () -> registry.define("a", "b",
                List.of(TracepointField.u64("x", 0), TracepointField.u32("y", 4))));
        assertEquals(Errno.EINVAL, overlap.errno());
        assertTrue(overlap.getMessage().contains("overlap"));
        assertThrows(BpfException.class, () -> registry.define("bad name", "x", List.of()));
        registry.define("a", "c", List.of(TracepointField.u64("x", 0)));
        assertSame(registry.require("a:c"), registry.define("a", "c", List.of(TracepointField.u64("x", 0))));
        assertEquals(Errno.EEXIST, assertThrows(BpfException.class, () -> registry.define("a", "c", List.of(TracepointField.u32("x", 0)))).errno());
        assertEquals(Errno.ENOENT, assertThrows(BpfException.class, () -> registry.require("no:such")).errno());
        assertTrue(registry.find("tracepoint/a/c").isPresent());
    }

    @Test
    void wrongNumberOfValuesIsAnError() {
        TracepointDefinition tp = registry.define("app", "pair", List.of(TracepointField.u64("a", 0), TracepointField.u64("b", 8)));
        tp.attach((rec, len) -> 0);
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class, () -> tp.fire(1L)).errno());
    }
}
