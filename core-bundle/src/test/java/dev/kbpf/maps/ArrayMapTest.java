package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class ArrayMapTest {

    private static ArrayMap array(int valueSize, int maxEntries) {
        return (ArrayMap) MapFactory.create(MapAttr.of(MapType.ARRAY, 4, valueSize, maxEntries), 1);
    }

    @Test
    void elementsExistAndStartZeroed() {
        ArrayMap m = array(8, 4);
        for (int i = 0; i < 4; i++) assertArrayEquals(new byte[8], m.lookup(u32(i)));
        assertNull(m.lookup(u32(4)));
        assertNull(m.lookup(u32(-1)));
    }

    @Test
    void updateFlagsAndBounds() {
        ArrayMap m = array(8, 4);
        m.update(u32(2), u64(5), BPF_ANY);
        m.update(u32(2), u64(6), BPF_EXIST);
        assertArrayEquals(u64(6), m.lookup(u32(2)));
        assertErrno(Errno.EEXIST, () -> m.update(u32(2), u64(7), BPF_NOEXIST));
        assertTrue(assertErrno(Errno.E2BIG, () -> m.update(u32(4), u64(7), BPF_ANY)).reason().contains("max_entries 4"));
        assertErrno(Errno.E2BIG, () -> m.update(u32(-1), u64(7), BPF_ANY));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), u64(7), 3));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), u64(7), BPF_F_LOCK));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), new byte[9], BPF_ANY));
        assertErrno(Errno.EINVAL, () -> m.lookup(u64(1)));
        assertArrayEquals(u64(6), m.lookup(u32(2)));
        assertArrayEquals(new byte[8], m.lookup(u32(1)));
    }

    @Test
    void deleteIsInvalid() {
        ArrayMap m = array(8, 4);
        assertTrue(assertErrno(Errno.EINVAL, () -> m.delete(u32(0))).reason().contains("cannot be deleted"));
        assertEquals(-Errno.EINVAL.value(), m.deleteFromProgram(u32(0), 0));
    }

    @Test
    void getNextKeyFollowsLinux() {
        ArrayMap m = array(8, 3);
        assertEquals(0, asU32(m.getNextKey(null)));
        assertEquals(1, asU32(m.getNextKey(u32(0))));
        assertEquals(2, asU32(m.getNextKey(u32(1))));
        assertNull(m.getNextKey(u32(2)));
        assertEquals(0, asU32(m.getNextKey(u32(3))), "an index beyond the end restarts");
        assertEquals(0, asU32(m.getNextKey(u32(-1))));
    }

    @Test
    void programFace() {
        ArrayMap m = array(12, 5);
        byte[] mem = new byte[32];
        Bytes.putInt(mem, 4, 3);
        assertEquals(3 * 16, m.lookupForProgram(mem, 4), "slot = round_up(12, 8) = 16");
        Bytes.putInt(mem, 4, 5);
        assertEquals(-1, m.lookupForProgram(mem, 4));
        assertEquals(-Errno.E2BIG.value(), m.updateFromProgram(mem, 4, mem, 8, BPF_ANY));
        Bytes.putInt(mem, 4, 0x80000000);
        assertEquals(-1, m.lookupForProgram(mem, 4));
        Bytes.putInt(mem, 4, 1);
        Bytes.putLong(mem, 8, 0x0102030405060708L);
        Bytes.putInt(mem, 16, 0x0a0b0c0d);
        assertEquals(0, m.updateFromProgram(mem, 4, mem, 8, BPF_EXIST));
        assertEquals(-Errno.EEXIST.value(), m.updateFromProgram(mem, 4, mem, 8, BPF_NOEXIST));
        assertEquals(-Errno.EINVAL.value(), m.updateFromProgram(mem, 4, mem, 8, 7));
        byte[] v = m.lookup(u32(1));
        assertEquals(0x0102030405060708L, asU64(v, 0));
        assertEquals(0x0a0b0c0d, Bytes.getInt(v, 8));
        assertEquals(0x0a0b0c0d, Bytes.getInt(m.valueStorage(0), 16 + 8));
    }

    @Test
    void perCpuArray() {
        int cpus = Cpus.count();
        ArrayMap m = (ArrayMap) MapFactory.create(MapAttr.of(MapType.PERCPU_ARRAY, 4, 4, 2), 1);
        assertEquals(cpus, m.valueStorageCount());
        assertEquals(8 * cpus, m.lookup(u32(0)).length);
        byte[] all = new byte[8 * cpus];
        for (int c = 0; c < cpus; c++) Bytes.putInt(all, c * 8, c + 1);
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), new byte[4], BPF_ANY));
        m.update(u32(1), all, BPF_ANY);
        byte[] got = m.lookup(u32(1));
        for (int c = 0; c < cpus; c++) assertEquals(c + 1, Bytes.getInt(got, c * 8));
        int me = Cpus.current();
        int off = m.lookupForProgram(u32(1), 0);
        assertEquals(me + 1, Bytes.getInt(m.valueStorage(me), off));
        byte[] mem = new byte[8];
        Bytes.putInt(mem, 0, 1);
        Bytes.putInt(mem, 4, 99);
        assertEquals(0, m.updateFromProgram(mem, 0, mem, 4, BPF_ANY));
        got = m.lookup(u32(1));
        for (int c = 0; c < cpus; c++) assertEquals(c == me ? 99 : c + 1, Bytes.getInt(got, c * 8));
    }
}
