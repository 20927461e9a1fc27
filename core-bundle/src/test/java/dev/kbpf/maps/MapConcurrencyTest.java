package dev.kbpf.maps;

import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

/** Many threads on one map, as when a program runs on many threads at once. */
class MapConcurrencyTest {

    static final int THREADS = 8;
    /** What an atomic BPF instruction uses: a little-endian long view of the value storage. */
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Runs {@code body(threadIndex)} on THREADS threads started together; rethrows the first failure. */
    static void runThreads(int n, ThrowingIntConsumer body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    body.accept(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "map-test-" + t);
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join(120_000);
        if (failure.get() != null) throw new AssertionError(failure.get().getMessage(), failure.get());
    }

    interface ThrowingIntConsumer { void accept(int t) throws Exception; }

    @Test
    void atomicAddsOnLookedUpHashValuesSumExactly() throws Exception {
        HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, 4, 16, 64), 1);
        for (int k = 0; k < 16; k++) m.update(u32(k), new byte[16], BPF_ANY);
        int perThread = 200_000;
        runThreads(THREADS, t -> {
            byte[] key = new byte[4];
            byte[] storage = m.valueStorage(0);
            for (int i = 0; i < perThread; i++) {
                Bytes.putInt(key, 0, i & 15);
                int off = m.lookupForProgram(key, 0);
                LONG.getAndAdd(storage, off, 1L);       // BPF_ATOMIC | BPF_ADD (fetch) on DW
                LONG.getAndAdd(storage, off + 8, 2L);
            }
        });
        long sum = 0, sum2 = 0;
        for (int k = 0; k < 16; k++) {
            byte[] v = m.lookup(u32(k));
            sum += asU64(v, 0);
            sum2 += asU64(v, 8);
        }
        assertEquals((long) THREADS * perThread, sum);
        assertEquals(2L * THREADS * perThread, sum2);
    }

    @Test
    void atomicAddsOnArrayAndPerCpuArraySumExactly() throws Exception {
        ArrayMap a = (ArrayMap) MapFactory.create(MapAttr.of(MapType.ARRAY, 4, 8, 4), 1);
        ArrayMap pa = (ArrayMap) MapFactory.create(MapAttr.of(MapType.PERCPU_ARRAY, 4, 8, 4), 2);
        int perThread = 300_000;
        runThreads(THREADS, t -> {
            byte[] key = u32(t & 3);
            int cpu = Cpus.current();
            for (int i = 0; i < perThread; i++) {
                LONG.getAndAdd(a.valueStorage(0), a.lookupForProgram(key, 0), 1L);
                // several threads can share a CPU: per-CPU values need atomics too
                LONG.getAndAdd(pa.valueStorage(cpu), pa.lookupForProgram(key, 0), 1L);
            }
        });
        long sum = 0, perCpuSum = 0;
        for (int k = 0; k < 4; k++) {
            sum += asU64(a.lookup(u32(k)), 0);
            byte[] all = pa.lookup(u32(k));
            for (int c = 0; c < Cpus.count(); c++) perCpuSum += asU64(all, c * 8);
        }
        assertEquals((long) THREADS * perThread, sum);
        assertEquals((long) THREADS * perThread, perCpuSum);
    }

    /**
     * Every thread updates, deletes and looks up its own keys (checked against its own model) while
     * all threads also update and read shared keys whose values must never be torn.
     */
    @Test
    void mixedOperationsLoseNothingAndTearNothing() throws Exception {
        for (MapType type : new MapType[] {MapType.HASH, MapType.LRU_HASH}) {
            for (int keySize : new int[] {4, 8, 12}) mixedOperations(type, keySize);
        }
    }

    private static byte[] key(int keySize, long k) {
        byte[] b = new byte[keySize];
        if (keySize == 4) Bytes.putInt(b, 0, (int) k); else Bytes.putLong(b, 0, k);
        return b;
    }

    private static void mixedOperations(MapType type, int keySize) throws Exception {
        HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(type, keySize, 32, 2048), 1);
        long seed = 1234;
        for (int s = 0; s < 8; s++) m.update(key(keySize, -1 - s), pattern(0), BPF_ANY);
        runThreads(THREADS, t -> {
            Random rnd = new Random(seed + t);
            Map<Long, Long> model = new HashMap<>();
            byte[] mem = new byte[32];
            String where = type + " key_size " + keySize + " seed " + (seed + t);
            for (int i = 0; i < 40_000; i++) {
                int op = rnd.nextInt(10);
                if (op < 2) { // shared key, whole-value update from a "program"
                    fillPattern(mem, i);
                    assertEquals(0, m.updateFromProgram(key(keySize, -1 - rnd.nextInt(8)), 0, mem, 0, BPF_EXIST));
                    continue;
                }
                if (op == 2) {
                    byte[] v = m.lookup(key(keySize, -1 - rnd.nextInt(8)));
                    assertNotNull(v, "shared keys are never deleted");
                    checkPattern(v, where + " op " + i);
                    continue;
                }
                long k = ((long) t << 16) | rnd.nextInt(100);
                byte[] kb = key(keySize, k);
                if (op < 6) {
                    fillPattern(mem, i);
                    assertEquals(0, m.updateFromProgram(kb, 0, mem, 0, BPF_ANY), where);
                    model.put(k, (long) i);
                } else if (op < 8) {
                    int r = m.deleteFromProgram(kb, 0);
                    assertEquals(model.remove(k) != null ? 0 : -2, r, where + " op " + i);
                } else {
                    int off = m.lookupForProgram(kb, 0);
                    Long expected = model.get(k);
                    assertEquals(expected != null, off >= 0, where + " op " + i + " key " + k);
                    if (expected != null) {
                        byte[] v = m.lookup(kb);
                        assertEquals(expected, asU64(v, 0), where + " op " + i);
                        checkPattern(v, where);
                    }
                }
            }
            for (Map.Entry<Long, Long> e : model.entrySet()) {
                assertEquals(e.getValue(), asU64(m.lookup(key(keySize, e.getKey())), 0), "lost an update, " + where);
            }
        });
    }

    private static byte[] pattern(long v) {
        byte[] b = new byte[32];
        fillPattern(b, v);
        return b;
    }

    private static void fillPattern(byte[] b, long v) {
        for (int i = 0; i < 32; i += 8) Bytes.putLong(b, i, v);
    }

    private static void checkPattern(byte[] v, String where) {
        long w = asU64(v, 0);
        for (int i = 8; i < 32; i += 8) assertEquals(w, asU64(v, i), "torn value, " + where);
    }

    /**
     * Walks the map with getNextKey while other threads delete keys. A walk restarts only when the
     * key it passes was deleted (Linux's rule); between restarts no key comes twice, and keys that are
     * never deleted are all seen by every walk that reaches the end.
     */
    @Test
    void getNextKeyWalksSurviveConcurrentDeletes() throws Exception {
        int n = 20_000;
        HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, 4, 8, n), 1);
        for (int i = 0; i < n; i++) m.update(u32(i), u64(i), BPF_ANY);
        Set<Integer> deletedOrDeleting = ConcurrentHashMap.newKeySet();
        AtomicBoolean walking = new AtomicBoolean(true);
        int[] completePasses = new int[1];
        int[] restarts = new int[1];
        Thread walker = new Thread(() -> {
            try {
                while (walking.get()) {
                    Set<Integer> seen = new HashSet<>();
                    byte[] k = m.getNextKey(null);
                    int calls = 0;
                    boolean complete = true;
                    while (k != null) {
                        assertTrue(++calls <= 10 * n, "walk does not end");
                        int key = asU32(k);
                        byte[] next = m.getNextKey(k);
                        if (deletedOrDeleting.contains(key)) {
                            // the passed key may have been deleted: Linux restarts from the first key
                            seen.clear();
                            complete = false;
                            restarts[0]++;
                        } else {
                            assertTrue(seen.add(key), "key " + key + " returned twice in one walk");
                        }
                        k = next;
                    }
                    if (complete) {
                        for (int i = 0; i < n; i += 2) assertTrue(seen.contains(i), "never-deleted key " + i + " missed");
                        completePasses[0]++;
                    }
                }
            } catch (Throwable e) {
                walking.set(false);
                throw e;
            }
        });
        AtomicReference<Throwable> walkerFailure = new AtomicReference<>();
        walker.setUncaughtExceptionHandler((th, e) -> walkerFailure.set(e));
        walker.start();
        // odd keys are deleted by 4 threads, slowly enough that some walks complete
        runThreads(4, t -> {
            for (int i = 1 + 2 * t; i < n && walking.get(); i += 8) {
                deletedOrDeleting.add(i);
                m.delete(u32(i));
                if (i % 64 == 1) Thread.sleep(1);
            }
        });
        Thread.sleep(100);
        walking.set(false);
        walker.join();
        if (walkerFailure.get() != null) throw new AssertionError(walkerFailure.get().getMessage(), walkerFailure.get());
        assertTrue(completePasses[0] > 0, "no walk completed");
        assertEquals(n / 2, m.elementCount());
        System.out.println("getNextKey walks: " + completePasses[0] + " complete, " + restarts[0] + " restarts");
    }

    /** MurmurHash3's fmix32: the map's hash of a 4-byte key with BPF_F_ZERO_SEED. */
    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * A key present in the map must never be missed by a lookup while deletions of other keys shift
     * table entries around it (the table-wide seqlock around backward shifts). To make shifts
     * constant, every key has the same home slot (zero seed, hashes with 16 low zero bits), so all
     * keys form one long probe cluster.
     */
    @Test
    void presentKeysAreNeverMissedWhileEntriesShift() throws Exception {
        int[] colliding = new int[32];
        for (int k = 1, n = 0; n < colliding.length; k++) if ((fmix32(k) & 0xffff) == 0) colliding[n++] = k;
        HashTabMap m = (HashTabMap) MapFactory.create(
                MapAttr.of(MapType.HASH, 4, 8, 64).withFlags(dev.kbpf.api.MapFlags.BPF_F_ZERO_SEED), 1);
        long[] misses = new long[1];
        runThreads(4, t -> {
            byte[] v = new byte[8];
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int j = 0; j < 8; j++) {
                    byte[] k = u32(colliding[t * 8 + j]);
                    assertEquals(0, m.updateFromProgram(k, 0, v, 0, BPF_NOEXIST));
                    for (int r = 0; r < 20; r++) {
                        if (m.lookupForProgram(k, 0) < 0) {
                            synchronized (misses) { misses[0]++; }
                        }
                    }
                    assertEquals(0, m.deleteFromProgram(k, 0));
                }
            }
        });
        assertEquals(0, misses[0], "lookups missed keys that were present");
    }

    /**
     * A key that is only ever replaced (never deleted) must always be found, even when the element a
     * reader saw is reused under it: a one-entry map has almost no spare elements, so replacements
     * reuse elements at once.
     */
    @Test
    void replacedKeysAreAlwaysFound() throws Exception {
        for (int keySize : new int[] {4, 8, 16}) {
            HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, keySize, 8, 1), 1);
            byte[] k = key(keySize, 42);
            m.update(k, u64(0), BPF_ANY);
            AtomicBoolean stop = new AtomicBoolean();
            long[] misses = new long[1];
            runThreads(3, t -> {
                if (t == 0) {
                    byte[] v = new byte[8];
                    long end = System.nanoTime() + 700_000_000L;
                    for (long n = 0; System.nanoTime() < end; n++) {
                        Bytes.putLong(v, 0, n);
                        assertEquals(0, m.updateFromProgram(k, 0, v, 0, BPF_EXIST));
                    }
                    stop.set(true);
                } else {
                    while (!stop.get()) {
                        boolean missed = t == 1 ? m.lookup(k) == null : m.lookupForProgram(k, 0) < 0;
                        if (missed) synchronized (misses) { misses[0]++; }
                    }
                }
            });
            assertEquals(0, misses[0], "a key that was only replaced went missing, key_size " + keySize);
        }
    }

    /** Inserts racing deletes on a nearly full table: the count never exceeds max_entries and nothing leaks. */
    @Test
    void insertDeleteChurnKeepsCountsRight() throws Exception {
        HashTabMap m = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, 4, 8, 256), 1);
        runThreads(THREADS, t -> {
            Random rnd = new Random(99 + t);
            byte[] k = new byte[4];
            byte[] v = new byte[8];
            for (int i = 0; i < 100_000; i++) {
                Bytes.putInt(k, 0, rnd.nextInt(400));
                if (rnd.nextBoolean()) {
                    int r = m.updateFromProgram(k, 0, v, 0, BPF_ANY);
                    assertTrue(r == 0 || r == -7, "update: " + r);
                } else {
                    int r = m.deleteFromProgram(k, 0);
                    assertTrue(r == 0 || r == -2, "delete: " + r);
                }
                assertTrue(m.elementCount() <= 256);
            }
        });
        int walked = 0;
        for (byte[] k = m.getNextKey(null); k != null; k = m.getNextKey(k)) walked++;
        assertEquals(m.elementCount(), walked);
        for (int i = 0; i < 400; i++) m.lookup(u32(i));
        // every element can still be used: fill the map completely
        for (int i = 0; i < 400 && m.elementCount() < 256; i++) m.update(u32(i), u64(i), BPF_ANY);
        assertEquals(256, m.elementCount());
    }
}
