package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import org.junit.jupiter.api.Test;

import static dev.kbpf.maps.TestBytes.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

class MapFactoryTest {

    private static BpfException rejected(Errno errno, MapAttr attr, String words) {
        BpfException e = assertErrno(errno, () -> MapFactory.create(attr, 1));
        assertTrue(e.reason().contains(words), () -> "message '" + e.reason() + "' should mention '" + words + "'");
        return e;
    }

    @Test
    void createsEveryTypeWithItsAttributes() {
        MapAttr[] ok = {
            new MapAttr(MapType.HASH, 8, 16, 100, 0, "h"),
            new MapAttr(MapType.PERCPU_HASH, 4, 8, 10, 0, "ph"),
            new MapAttr(MapType.LRU_HASH, 4, 8, 10, 0, "lru"),
            new MapAttr(MapType.ARRAY, 4, 3, 10, 0, "a"),
            new MapAttr(MapType.PERCPU_ARRAY, 4, 8, 10, 0, "pa"),
            new MapAttr(MapType.PROG_ARRAY, 4, 4, 8, 0, "jmp"),
            new MapAttr(MapType.PERF_EVENT_ARRAY, 4, 4, 4, 0, "events"),
            new MapAttr(MapType.RINGBUF, 0, 0, 4096, 0, "rb"),
        };
        for (MapAttr a : ok) {
            BpfMap m = MapFactory.create(a, 42);
            assertEquals(42, m.id());
            assertEquals(a.type(), m.type());
            assertEquals(a, m.attr());
            assertEquals(a.name(), m.name());
        }
        assertEquals(8, MapFactory.create(MapAttr.of(MapType.ARRAY, 4, 3, 1), 1).valueSlotSize());
        assertEquals(16, MapFactory.create(MapAttr.of(MapType.HASH, 4, 9, 1), 1).valueSlotSize());
    }

    @Test
    void zeroSizesAreRejected() {
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 0, 8, 10), "key_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 4, 0, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERCPU_HASH, 0, 8, 10), "key_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.LRU_HASH, 4, 0, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, 0, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERCPU_ARRAY, 4, 0, 10), "value_size");
    }

    @Test
    void oversizedKeysAndValuesAreRejected() {
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 513, 8, 10), "key_size 513");
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, -1, 8, 10), "key_size 4294967295");
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 4, MapFactory.MAX_VALUE_SIZE + 1, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERCPU_HASH, 4, MapFactory.MAX_PERCPU_VALUE_SIZE + 1, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, -8, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERCPU_ARRAY, 4, MapFactory.MAX_PERCPU_VALUE_SIZE + 1, 10), "value_size");
        assertNotNull(MapFactory.create(MapAttr.of(MapType.HASH, 512, 8, 1), 1));
    }

    @Test
    void maxEntriesZeroOrTooLarge() {
        for (MapType t : new MapType[] {MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH}) {
            rejected(Errno.EINVAL, MapAttr.of(t, 4, 8, 0), "max_entries");
            rejected(Errno.E2BIG, MapAttr.of(t, 4, 8, -1), "max_entries 4294967295");
        }
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, 8, 0), "max_entries");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PROG_ARRAY, 4, 4, 0), "max_entries");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 0), "max_entries");
        rejected(Errno.ENOMEM, MapAttr.of(MapType.ARRAY, 4, 1 << 20, 1 << 20), "Java array");
    }

    @Test
    void arrayLikeMapsNeedFourByteKeys() {
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 8, 8, 10), "key_size of an array map must be 4");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERCPU_ARRAY, 0, 8, 10), "must be 4");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PROG_ARRAY, 8, 4, 10), "key_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PROG_ARRAY, 4, 8, 10), "value_size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 0, 10), "value_size");
    }

    @Test
    void ringBufferSizeRules() {
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 4, 0, 4096), "key_size of a ring buffer must be 0");
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 0, 8, 4096), "value_size of a ring buffer must be 0");
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 0, 0, 0), "power of 2");
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 0, 0, 12288), "power of 2");
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 0, 0, 2048), "page size");
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 0, 0, 1 << 30), "larger than");
        rejected(Errno.EINVAL, MapAttr.of(MapType.RINGBUF, 0, 0, 4096).withFlags(MapFlags.BPF_F_RDONLY_PROG), "map_flags");
        assertEquals(1 << 16, ((RingbufMap) MapFactory.create(MapAttr.of(MapType.RINGBUF, 0, 0, 1 << 16), 1)).ringSize());
    }

    @Test
    void flagsAreCheckedPerType() {
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 4, 8, 10).withFlags(MapFlags.BPF_F_MMAPABLE), "map_flags 0x400");
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 4, 8, 10).withFlags(MapFlags.BPF_F_NO_COMMON_LRU), "map_flags");
        rejected(Errno.EINVAL, MapAttr.of(MapType.LRU_HASH, 4, 8, 10).withFlags(MapFlags.BPF_F_NO_PREALLOC), "preallocated");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PERCPU_ARRAY, 4, 8, 10).withFlags(MapFlags.BPF_F_MMAPABLE), "map_flags");
        rejected(Errno.EINVAL, MapAttr.of(MapType.PROG_ARRAY, 4, 4, 10).withFlags(MapFlags.BPF_F_RDONLY_PROG), "map_flags");
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, 8, 10).withFlags(1 << 20), "map_flags 0x100000");
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, 8, 10).withFlags(MapFlags.BPF_F_RDONLY | MapFlags.BPF_F_WRONLY), "mutually exclusive");
        rejected(Errno.EINVAL, MapAttr.of(MapType.HASH, 4, 8, 10).withFlags(MapFlags.BPF_F_RDONLY_PROG | MapFlags.BPF_F_WRONLY_PROG), "mutually exclusive");
        assertNotNull(MapFactory.create(MapAttr.of(MapType.HASH, 4, 8, 10).withFlags(MapFlags.BPF_F_NO_PREALLOC | MapFlags.BPF_F_ZERO_SEED), 1));
        assertNotNull(MapFactory.create(MapAttr.of(MapType.LRU_HASH, 4, 8, 10).withFlags(MapFlags.BPF_F_NO_COMMON_LRU), 1));
        assertNotNull(MapFactory.create(MapAttr.of(MapType.ARRAY, 4, 8, 10).withFlags(MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG), 1));
    }

    @Test
    void namesFollowLinuxRules() {
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, 8, 1).withName("a_name_that_is_too_long"), "longer than 15");
        rejected(Errno.EINVAL, MapAttr.of(MapType.ARRAY, 4, 8, 1).withName("bad-name"), "letters, digits");
        assertEquals("ok.name_15char", MapFactory.create(MapAttr.of(MapType.ARRAY, 4, 8, 1).withName("ok.name_15char"), 1).name());
    }

    @Test
    void unknownTypesAreRejected() {
        assertErrno(Errno.EINVAL, () -> MapType.parse("BPF_MAP_TYPE_STACK_TRACE"));
        assertEquals(MapType.LRU_HASH, MapType.parse("BPF_MAP_TYPE_LRU_HASH"));
        assertTrue(MapType.ofLinuxId(7).isEmpty());
        assertErrno(Errno.EINVAL, () -> MapFactory.create(null, 1));
    }

    @Test
    void registryAssignsIncreasingIds() {
        MapRegistry reg = new MapRegistry();
        BpfMap a = reg.create(MapAttr.of(MapType.ARRAY, 4, 8, 1));
        assertErrno(Errno.EINVAL, () -> reg.create(MapAttr.of(MapType.ARRAY, 4, 0, 1)));
        BpfMap b = reg.create(MapAttr.of(MapType.HASH, 4, 8, 1));
        assertTrue(b.id() > a.id());
        assertSame(a, reg.get(a.id()));
        assertEquals(2, reg.list().size());
        assertTrue(reg.remove(a.id()));
        assertErrno(Errno.ENOENT, () -> reg.get(a.id()));
    }
}
