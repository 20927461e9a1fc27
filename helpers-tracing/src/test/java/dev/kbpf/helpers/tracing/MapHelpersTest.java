package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bpf_map_lookup_elem (1), bpf_map_update_elem (2), bpf_map_delete_elem (3) from verified programs. */
class MapHelpersTest {
    private HelperRuntime k;

    @AfterEach
    void close() { if (k != null) k.close(); }

    /** Key from ctx[0..4), value from ctx[8..16), update flags from ctx[16..24): answers update's result. */
    private static String updateProgram(int map) {
        return """
                ldxw %r2, [%r1+0]
                stxw [%r10-4], %r2
                ldxdw %r3, [%r1+8]
                stxdw [%r10-16], %r3
                ldxdw %r4, [%r1+16]
                lddw %r1, map:MAP
                mov %r2, %r10
                add %r2, -4
                mov %r3, %r10
                add %r3, -16
                call 2
                exit
                """.replace("MAP", Integer.toString(map));
    }

    private static byte[] ctx(int key, long value, long flags) {
        byte[] c = new byte[24];
        System.arraycopy(HelperRuntime.le32(key), 0, c, 0, 4);
        System.arraycopy(HelperRuntime.le64(value), 0, c, 8, 8);
        System.arraycopy(HelperRuntime.le64(flags), 0, c, 16, 8);
        return c;
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void updateLookupDeleteWithLinuxFlagsAndErrors(boolean jit) {
        k = new HelperRuntime(jit);
        int map = k.map(MapType.HASH, 4, 8, 2);
        ProgInfo update = k.load(ProgType.TRACEPOINT, "update", updateProgram(map));
        // lookup: the value + 1000, or -1 when the key is absent
        ProgInfo lookup = k.load(ProgType.TRACEPOINT, "lookup", """
                ldxw %r2, [%r1+0]
                stxw [%r10-4], %r2
                lddw %r1, map:MAP
                mov %r2, %r10
                add %r2, -4
                call 1
                jne %r0, 0, +2
                mov %r0, -1
                exit
                ldxdw %r0, [%r0+0]
                add %r0, 1000
                exit
                """.replace("MAP", Integer.toString(map)));
        ProgInfo delete = k.load(ProgType.TRACEPOINT, "delete", """
                ldxw %r2, [%r1+0]
                stxw [%r10-4], %r2
                lddw %r1, map:MAP
                mov %r2, %r10
                add %r2, -4
                call 3
                exit
                """.replace("MAP", Integer.toString(map)));

        assertEquals(-1, k.run(lookup, ctx(7, 0, 0)), "absent key: NULL");
        assertEquals(Errno.ENOENT.negative(), k.run(update, ctx(7, 5, 2)), "BPF_EXIST on an absent key");
        assertEquals(0, k.run(update, ctx(7, 5, 1)), "BPF_NOEXIST creates");
        assertEquals(Errno.EEXIST.negative(), k.run(update, ctx(7, 6, 1)), "BPF_NOEXIST on a present key");
        assertEquals(1005, k.run(lookup, ctx(7, 0, 0)));
        assertEquals(0, k.run(update, ctx(7, 9, 0)), "BPF_ANY replaces");
        assertEquals(9, k.lookupLong(map, 7), "the program's update is visible from Java");
        assertEquals(0, k.run(update, ctx(8, 1, 0)));
        assertEquals(Errno.E2BIG.negative(), k.run(update, ctx(9, 1, 0)), "max_entries 2: full");
        assertEquals(Errno.EINVAL.negative(), k.run(update, ctx(9, 1, 4)), "unknown flags");
        assertEquals(0, k.run(delete, ctx(7, 0, 0)));
        assertEquals(Errno.ENOENT.negative(), k.run(delete, ctx(7, 0, 0)), "deleting twice");
        assertEquals(-1, k.run(lookup, ctx(7, 0, 0)));
        assertTrue(k.bpf.mapLookup(map, HelperRuntime.le32(7)).isEmpty());
        assertEquals(1001, k.run(lookup, ctx(8, 0, 0)));
    }

    @ParameterizedTest(name = "jit={0}")
    @ValueSource(booleans = {true, false})
    void lookupReturnsAPointerIntoTheValueThatWritesThrough(boolean jit) {
        k = new HelperRuntime(jit);
        int map = k.map(MapType.ARRAY, 4, 16, 4);
        ProgInfo bump = k.load(ProgType.TRACEPOINT, "bump", """
                stw [%r10-4], 3
                lddw %r1, map:MAP
                mov %r2, %r10
                add %r2, -4
                call 1
                jeq %r0, 0, +4
                mov %r1, 1
                lock add [%r0+8], %r1
                mov %r0, 0
                exit
                mov %r0, 1
                exit
                """.replace("MAP", Integer.toString(map)));
        for (int i = 0; i < 5; i++) assertEquals(0, k.run(bump));
        assertEquals(5, HelperRuntime.le64(k.lookup(map, 3), 8));
        assertEquals(0, HelperRuntime.le64(k.lookup(map, 3), 0));
    }
}
