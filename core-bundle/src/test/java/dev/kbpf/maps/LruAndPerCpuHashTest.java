package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class LruAndPerCpuHashTest {

    private static HashTabMap lru(int maxEntries) {
        return (HashTabMap) MapFactory.create(MapAttr.of(MapType.LRU_HASH, 4, 8, maxEntries), 1);
    }

    private static boolean present(HashTabMap m, int k) { return m.lookup(u32(k)) != null; }

    /** A program's lookup: marks the element used. */
    private static int use(HashTabMap m, int k) { return m.lookupForProgram(u32(k), 0); }

    @Test
    void fullLruEvictsTheLeastRecentlyUsedInsteadOfE2big() {
        HashTabMap m = lru(3);
        m.update(u32(1), u64(1), BPF_ANY);
        m.update(u32(2), u64(2), BPF_ANY);
        m.update(u32(3), u64(3), BPF_ANY);
        assertTrue(use(m, 1) >= 0);          // 1 is used again: 2 is now the least recently used
        m.update(u32(4), u64(4), BPF_ANY);
        assertFalse(present(m, 2));
        assertTrue(present(m, 1) && present(m, 3) && present(m, 4));
        m.update(u32(5), u64(5), BPF_NOEXIST); // next: 3 (1 had its second chance, 4 and 5 are new)
        assertFalse(present(m, 3));
        assertTrue(present(m, 1) && present(m, 4) && present(m, 5));
        assertEquals(3, m.elementCount());
    }

    @Test
    void withoutUseLruEvictsInInsertionOrder() {
        HashTabMap m = lru(4);
        for (int i = 0; i < 4; i++) m.update(u32(i), u64(i), BPF_ANY);
        for (int i = 4; i < 20; i++) {
            m.update(u32(i), u64(i), BPF_ANY);
            assertFalse(present(m, i - 4), "key " + (i - 4) + " should have been evicted");
            for (int j = i - 3; j <= i; j++) assertTrue(present(m, j));
        }
    }

    @Test
    void syscallLookupsDoNotCountAsUseButUpdatesDo() {
        HashTabMap m = lru(2);
        m.update(u32(1), u64(1), BPF_ANY);
        m.update(u32(2), u64(2), BPF_ANY);
        assertNotNull(m.lookup(u32(1)));   // syscall lookup: not a use (as Linux)
        m.update(u32(3), u64(3), BPF_ANY);
        assertFalse(present(m, 1));
        m.update(u32(2), u64(22), BPF_EXIST); // an update moves 2 behind 3
        m.update(u32(4), u64(4), BPF_ANY);
        assertFalse(present(m, 3));
        assertEquals(22, asU64(m.lookup(u32(2)), 0));
    }

    @Test
    void lruKeepsFlagSemantics() {
        HashTabMap m = lru(2);
        m.update(u32(1), u64(1), BPF_ANY);
        assertErrno(Errno.EEXIST, () -> m.update(u32(1), u64(1), BPF_NOEXIST));
        assertErrno(Errno.ENOENT, () -> m.update(u32(9), u64(1), BPF_EXIST));
        m.delete(u32(1));
        assertErrno(Errno.ENOENT, () -> m.delete(u32(1)));
        assertEquals(0, m.elementCount());
    }

    @Test
    void allUsedElementsStillLetOneBeEvicted() {
        HashTabMap m = lru(8);
        for (int i = 0; i < 8; i++) m.update(u32(i), u64(i), BPF_ANY);
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 8 + round; i++) use(m, i);
            m.update(u32(8 + round), u64(0), BPF_ANY);
            assertEquals(8, m.elementCount());
            assertTrue(present(m, 8 + round));
        }
    }

    // ------------------------------------------------------------------ per-CPU hash

    @Test
    void perCpuHashHasAValuePerCpu() {
        int cpus = Cpus.count();
        HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(MapType.PERCPU_HASH, 4, 4, 8), 1);
        assertTrue(m.isPerCpu());
        assertEquals(cpus, m.valueStorageCount());
        byte[] all = new byte[8 * cpus];
        for (int c = 0; c < cpus; c++) Bytes.putInt(all, c * 8, 100 + c);
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), new byte[4], BPF_ANY));
        m.update(u32(1), all, BPF_ANY);
        byte[] got = m.lookup(u32(1));
        assertEquals(8 * cpus, got.length, "one 8-byte slot per CPU");
        for (int c = 0; c < cpus; c++) assertEquals(100 + c, Bytes.getInt(got, c * 8));
        // a program sees its own CPU's value at the offset, in its CPU's storage
        int off = m.lookupForProgram(u32(1), 0);
        int me = Cpus.current();
        assertEquals(100 + me, Bytes.getInt(m.valueStorage(me), off));
        // a program update of an existing key changes only the current CPU's value
        byte[] mem = new byte[8];
        Bytes.putInt(mem, 4, 7);
        Bytes.putInt(mem, 0, 1);
        assertEquals(0, m.updateFromProgram(mem, 0, mem, 4, BPF_EXIST));
        got = m.lookup(u32(1));
        for (int c = 0; c < cpus; c++) assertEquals(c == me ? 7 : 100 + c, Bytes.getInt(got, c * 8));
        // a new key from a program: the current CPU's value, zero elsewhere
        Bytes.putInt(mem, 0, 2);
        assertEquals(0, m.updateFromProgram(mem, 0, mem, 4, BPF_NOEXIST));
        got = m.lookup(u32(2));
        for (int c = 0; c < cpus; c++) assertEquals(c == me ? 7 : 0, Bytes.getInt(got, c * 8));
    }

    @Test
    void pinnedThreadsSeeTheirCpu() throws Exception {
        int cpus = Cpus.count();
        HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(MapType.PERCPU_HASH, 4, 8, 8), 1);
        m.update(u32(1), new byte[8 * cpus], BPF_ANY);
        Thread[] ts = new Thread[cpus];
        for (int c = 0; c < cpus; c++) {
            int cpu = c;
            ts[c] = new Thread(() -> {
                Cpus.pin(cpu);
                byte[] mem = new byte[16];
                Bytes.putInt(mem, 0, 1);
                Bytes.putLong(mem, 8, 1000 + cpu);
                m.updateFromProgram(mem, 0, mem, 8, BPF_EXIST);
            });
            ts[c].start();
        }
        for (Thread t : ts) t.join();
        byte[] got = m.lookup(u32(1));
        for (int c = 0; c < cpus; c++) assertEquals(1000 + c, asU64(got, c * 8));
        assertErrno(Errno.EINVAL, () -> Cpus.pin(cpus));
        assertErrno(Errno.EINVAL, () -> Cpus.pin(-1));
    }
}
