package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class HashTabMapTest {

    private static HashTabMap hash(int keySize, int valueSize, int maxEntries) {
        return (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, keySize, valueSize, maxEntries), 1);
    }

    @Test
    void updateLookupDeleteFromJava() {
        HashTabMap m = hash(4, 8, 10);
        assertNull(m.lookup(u32(1)));
        m.update(u32(1), u64(100), BPF_ANY);
        assertArrayEquals(u64(100), m.lookup(u32(1)));
        m.update(u32(1), u64(200), BPF_ANY);
        assertArrayEquals(u64(200), m.lookup(u32(1)));
        assertEquals(1, m.elementCount());
        m.delete(u32(1));
        assertNull(m.lookup(u32(1)));
        assertEquals(0, m.elementCount());
        assertErrno(Errno.ENOENT, () -> m.delete(u32(1)));
    }

    @Test
    void lookupReturnsACopy() {
        HashTabMap m = hash(4, 8, 10);
        m.update(u32(7), u64(5), BPF_ANY);
        byte[] v = m.lookup(u32(7));
        v[0] = 99;
        assertArrayEquals(u64(5), m.lookup(u32(7)));
    }

    @Test
    void updateFlags() {
        HashTabMap m = hash(4, 8, 10);
        assertErrno(Errno.ENOENT, () -> m.update(u32(1), u64(1), BPF_EXIST));
        assertNull(m.lookup(u32(1)));
        m.update(u32(1), u64(1), BPF_NOEXIST);
        assertErrno(Errno.EEXIST, () -> m.update(u32(1), u64(2), BPF_NOEXIST));
        assertArrayEquals(u64(1), m.lookup(u32(1)));
        m.update(u32(1), u64(3), BPF_EXIST);
        assertArrayEquals(u64(3), m.lookup(u32(1)));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), u64(4), 3));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), u64(4), 8));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), u64(4), BPF_F_LOCK));
        assertArrayEquals(u64(3), m.lookup(u32(1)));
    }

    @Test
    void wrongKeyOrValueSizeFromJava() {
        HashTabMap m = hash(4, 8, 10);
        assertTrue(assertErrno(Errno.EINVAL, () -> m.lookup(new byte[8])).reason().contains("key size 8"));
        assertErrno(Errno.EINVAL, () -> m.update(new byte[3], u64(1), BPF_ANY));
        assertTrue(assertErrno(Errno.EINVAL, () -> m.update(u32(1), new byte[4], BPF_ANY)).reason().contains("value size 4"));
        assertErrno(Errno.EINVAL, () -> m.update(u32(1), null, BPF_ANY));
        assertErrno(Errno.EINVAL, () -> m.delete(null));
        assertErrno(Errno.EINVAL, () -> m.getNextKey(new byte[2]));
        assertEquals(0, m.elementCount());
    }

    @Test
    void fullMapAnswersE2big() {
        HashTabMap m = hash(4, 8, 3);
        for (int i = 0; i < 3; i++) m.update(u32(i), u64(i), BPF_ANY);
        assertTrue(assertErrno(Errno.E2BIG, () -> m.update(u32(3), u64(3), BPF_ANY)).reason().contains("full"));
        assertErrno(Errno.E2BIG, () -> m.update(u32(3), u64(3), BPF_NOEXIST));
        assertNull(m.lookup(u32(3)));
        // updating an existing key of a full map still works, many times (replacement uses spare elements)
        for (int n = 0; n < 10_000; n++) m.update(u32(n % 3), u64(n), BPF_EXIST);
        assertEquals(3, m.elementCount());
        m.delete(u32(0));
        m.update(u32(3), u64(3), BPF_ANY);
        assertArrayEquals(u64(3), m.lookup(u32(3)));
    }

    @Test
    void programFaceWorksOnArraysAndOffsets() {
        HashTabMap m = hash(8, 12, 16);
        byte[] stack = new byte[64];
        Bytes.putLong(stack, 8, 0x1122334455667788L);   // key at 8
        Bytes.putInt(stack, 20, 42);                     // value at 20 (12 bytes)
        Bytes.putLong(stack, 24, -1L);
        assertEquals(-1, m.lookupForProgram(stack, 8));
        assertEquals(-Errno.ENOENT.value(), m.updateFromProgram(stack, 8, stack, 20, BPF_EXIST));
        assertEquals(0, m.updateFromProgram(stack, 8, stack, 20, BPF_NOEXIST));
        assertEquals(-Errno.EEXIST.value(), m.updateFromProgram(stack, 8, stack, 20, BPF_NOEXIST));
        assertEquals(-Errno.EINVAL.value(), m.updateFromProgram(stack, 8, stack, 20, BPF_F_LOCK));
        int off = m.lookupForProgram(stack, 8);
        assertTrue(off >= 0);
        assertEquals(0, off % 8, "value slots are 8-byte aligned");
        byte[] storage = m.valueStorage(0);
        assertEquals(42, Bytes.getInt(storage, off));
        assertEquals(-1L, Bytes.getLong(storage, off + 4));
        assertEquals(0, Bytes.getInt(storage, off + 12), "padding of the slot is zero");
        // a program writes through the pointer; Java sees it
        Bytes.putInt(storage, off, 43);
        byte[] key = new byte[8];
        System.arraycopy(stack, 8, key, 0, 8);
        assertEquals(43, Bytes.getInt(m.lookup(key), 0));
        assertEquals(0, m.deleteFromProgram(stack, 8));
        assertEquals(-Errno.ENOENT.value(), m.deleteFromProgram(stack, 8));
        assertEquals(-1, m.lookupForProgram(stack, 8));
    }

    @Test
    void programUpdateOfFullMapAnswersMinusE2big() {
        HashTabMap m = hash(4, 8, 1);
        byte[] mem = new byte[16];
        Bytes.putInt(mem, 0, 1);
        assertEquals(0, m.updateFromProgram(mem, 0, mem, 8, BPF_ANY));
        Bytes.putInt(mem, 0, 2);
        assertEquals(-Errno.E2BIG.value(), m.updateFromProgram(mem, 0, mem, 8, BPF_ANY));
    }

    @Test
    void oddKeySizesHashAndCompareEveryByte() {
        HashTabMap m = hash(13, 4, 1000);
        Set<String> inserted = new HashSet<>();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] k = new byte[13];
            rnd.nextBytes(k);
            if (!inserted.add(java.util.Arrays.toString(k))) continue;
            m.update(k, u32(i), BPF_NOEXIST);
            assertEquals(i, asU32(m.lookup(k)));
            k[12] ^= 1;
            if (!inserted.contains(java.util.Arrays.toString(k))) assertNull(m.lookup(k));
        }
        assertEquals(inserted.size(), m.elementCount());
    }

    @Test
    void getNextKeyVisitsEveryKeyOnceAndRestartsOnMissingKey() {
        HashTabMap m = hash(4, 8, 100);
        for (int i = 0; i < 50; i++) m.update(u32(i * 3), u64(i), BPF_ANY);
        Set<Integer> seen = new HashSet<>();
        byte[] k = m.getNextKey(null);
        while (k != null) {
            assertTrue(seen.add(asU32(k)), "key seen twice: " + asU32(k));
            k = m.getNextKey(k);
        }
        assertEquals(50, seen.size());
        for (int i = 0; i < 50; i++) assertTrue(seen.contains(i * 3));
        // a key that is not in the map restarts the walk from the first key, as Linux's htab does
        assertArrayEquals(m.getNextKey(null), m.getNextKey(u32(1)));
        // empty map: no first key
        HashTabMap empty = hash(4, 8, 10);
        assertNull(empty.getNextKey(null));
    }

    @Test
    void getNextKeyAfterDeletingTheCurrentKeyRestarts() {
        HashTabMap m = hash(4, 8, 10);
        for (int i = 0; i < 5; i++) m.update(u32(i), u64(i), BPF_ANY);
        byte[] first = m.getNextKey(null);
        byte[] second = m.getNextKey(first);
        m.delete(second);
        assertArrayEquals(first, m.getNextKey(second));
    }

    @Test
    void freedValueSlotsAreReusedLast() {
        HashTabMap m = hash(4, 8, 16);
        assertEquals(16 + Cpus.count() + 16, m.preallocatedElements());
        for (int i = 0; i < 16; i++) m.update(u32(i), u64(i), BPF_ANY);
        int freed = m.lookupForProgram(u32(3), 0);
        m.delete(u32(3));
        // every other free slot is handed out before the freed one: replacements and new keys
        int others = m.preallocatedElements() - 16;
        for (int n = 0; n < others; n++) {
            m.update(u32(n % 15 == 3 ? 15 : n % 15), u64(n), BPF_ANY); // replaces an existing key: a new slot
            int now = m.lookupForProgram(u32(n % 15 == 3 ? 15 : n % 15), 0);
            assertNotEquals(freed, now, "slot reused after " + n + " allocations");
        }
        m.update(u32(100), u64(100), BPF_ANY);
        assertEquals(freed, m.lookupForProgram(u32(100), 0), "the oldest freed slot comes back first");
    }

    @Test
    void readOnlyAndWriteOnlyMaps() {
        HashTabMap ro = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, 4, 8, 4).withFlags(MapFlags.BPF_F_RDONLY), 1);
        assertErrno(Errno.EPERM, () -> ro.update(u32(1), u64(1), BPF_ANY));
        assertErrno(Errno.EPERM, () -> ro.delete(u32(1)));
        assertNull(ro.lookup(u32(1)));
        byte[] mem = new byte[16];
        assertEquals(0, ro.updateFromProgram(mem, 0, mem, 8, BPF_ANY), "BPF_F_RDONLY limits the syscall side only");
        HashTabMap wo = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, 4, 8, 4).withFlags(MapFlags.BPF_F_WRONLY), 1);
        wo.update(u32(1), u64(1), BPF_ANY);
        assertErrno(Errno.EPERM, () -> wo.lookup(u32(1)));
        assertErrno(Errno.EPERM, () -> wo.getNextKey(null));
    }

    @Test
    void zeroSeedGivesTheSameIterationOrder() {
        MapAttr attr = MapAttr.of(MapType.HASH, 4, 8, 64).withFlags(MapFlags.BPF_F_ZERO_SEED);
        HashTabMap a = (HashTabMap) MapFactory.create(attr, 1);
        HashTabMap b = (HashTabMap) MapFactory.create(attr, 2);
        for (int i = 0; i < 64; i++) {
            a.update(u32(i), u64(i), BPF_ANY);
            b.update(u32(i), u64(i), BPF_ANY);
        }
        byte[] ka = a.getNextKey(null), kb = b.getNextKey(null);
        while (ka != null) {
            assertArrayEquals(ka, kb);
            ka = a.getNextKey(ka);
            kb = b.getNextKey(kb);
        }
        assertNull(kb);
    }

    @Test
    void deletionKeepsOtherKeysFindable() {
        // many collisions in a small table: backward-shift deletion must keep every probe chain intact
        HashTabMap m = hash(4, 8, 64);
        java.util.Random rnd = new java.util.Random(11);
        java.util.Map<Integer, Long> model = new java.util.HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int k = rnd.nextInt(100);
            int op = rnd.nextInt(3);
            try {
                if (op == 0) {
                    if (model.size() < 64 || model.containsKey(k)) {
                        m.update(u32(k), u64(step), BPF_ANY);
                        model.put(k, (long) step);
                    } else {
                        assertErrno(Errno.E2BIG, () -> m.update(u32(k), u64(0), BPF_ANY));
                    }
                } else if (op == 1) {
                    if (model.remove(k) != null) m.delete(u32(k));
                    else assertErrno(Errno.ENOENT, () -> m.delete(u32(k)));
                } else {
                    Long v = model.get(k);
                    byte[] got = m.lookup(u32(k));
                    if (v == null) assertNull(got); else assertEquals(v, asU64(got, 0));
                }
            } catch (AssertionError e) {
                throw new AssertionError("seed 11, step " + step + ": " + e.getMessage(), e);
            }
        }
        assertEquals(model.size(), m.elementCount());
    }
}
