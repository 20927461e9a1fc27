package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code HASH}, {@code PERCPU_HASH} and {@code LRU_HASH} maps: Linux's preallocated hash table
 * ("htab"), built for lock-free, allocation-free lookups from many threads.
 *
 * <h2>Layout</h2>
 * Elements are preallocated slots numbered {@code 0 .. capacity-1}: element {@code e} keeps its
 * key at {@code keys[e*key_size]} and its value at {@code valueStorage(cpu)[e*slot]} with
 * {@code slot = round_up(value_size, 8)}. An open-addressing table with linear probing,
 * {@code long[] table} at most half full, maps keys to elements: a table entry is
 * {@code hash << 32 | (e + 1)}, 0 meaning empty. Keeping the hash in the entry means a probe
 * compares key bytes only on a full 32-bit hash match, and deletions can move entries without
 * rehashing.
 *
 * <h2>Reads: lock-free</h2>
 * A lookup probes the table and checks the key of each candidate element under that element's
 * <em>version</em>, a seqlock: odd while the element's key and value are being (re)written, bumped
 * each time the element is reused. A candidate whose version changed while its key was compared is
 * retried, so a lookup never matches a key torn by a concurrent reuse. Deletion uses backward-shift
 * (no tombstones, so probes stay short forever); a shift can move an entry behind a running probe,
 * so shifts run inside a table-wide seqlock, {@code shiftSeq}, and a probe that <em>misses</em>
 * while a shift ran is retried. Hits never need that check: the element's version proves them.
 * A lookup reads a few array slots, allocates nothing and takes no lock. For 4-byte keys (the common
 * case) the hash is a bijection of the key, so a probe compares table entries only.
 *
 * <h2>Writes: one lock per map</h2>
 * Updates and deletes serialise on one lock (Linux uses a lock per bucket). Updating an existing
 * key of a HASH or LRU_HASH map writes a fresh element and swaps the table entry, as Linux does,
 * so a concurrent reader sees the old value or the new one, never a mix. Per-CPU maps update the
 * value in place, as Linux does.
 *
 * <h2>Lifetime of a value slot</h2>
 * A value offset returned by a lookup always points into the same storage array, so a program can
 * never touch memory outside the map. Like Linux's preallocated maps (and without RCU), kbpf reuses
 * the slot of a deleted or replaced element while a program may still hold its address; to make
 * that as unlikely as possible, freed elements go to the tail of a FIFO free list, and the map has
 * {@code nr_cpus + min(max_entries, 1024)} elements beyond {@code max_entries}, so a freed slot is
 * handed out again only after at least that many other insertions or replacements.
 *
 * <h2>Iteration</h2>
 * {@code getNextKey} walks elements in element order, which does not change while elements live.
 * A key that is not in the map (for instance deleted since the previous call) restarts the walk from
 * the first key, as Linux's htab does. Between restarts, concurrent deletes never make a walk return a
 * key twice or miss a key that stays in the map, and every walk ends after at most
 * {@link #preallocatedElements()} steps; replacing updates and inserts may show a key again, as they
 * can in Linux.
 *
 * <h2>LRU</h2>
 * {@code LRU_HASH} never answers {@code E2BIG}: an insertion into a full map evicts the least
 * recently used element first. Like Linux's LRU it approximates recency with a reference bit:
 * program lookups set the bit (a plain byte store, only if not yet set), elements sit in
 * insertion order, and eviction gives elements whose bit is set a second chance (clear the bit,
 * move to the back) and evicts the first one without it. Syscall lookups do not count as use,
 * as in Linux.
 */
public final class HashTabMap extends BpfMap {

    private static final VarHandle TABLE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LIVE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle SHIFT_SEQ;
    static {
        try {
            SHIFT_SEQ = MethodHandles.lookup().findVarHandle(HashTabMap.class, "shiftSeq", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Free elements beyond max_entries, at most this many plus nr_cpus. */
    static final int MAX_SPARE = 1024;

    private final boolean perCpu;
    private final boolean lru;
    private final int keySize;
    private final int valueSize;
    private final int slot;
    private final int capacity;
    private final int mask;
    private final long seed;

    private final long[] table;
    private final byte[] keys;
    private final byte[][] values;
    private final int[] versions;
    private final byte[] live;
    /** Table-wide seqlock around backward shifts; odd while entries move. */
    @SuppressWarnings("unused")
    private int shiftSeq;

    // ---- writer state, guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final int[] freeRing;
    private int freeHead;
    private int freeCount;
    private volatile int count;
    // LRU: insertion-order list with reference bits
    private final byte[] ref;
    private final int[] lruPrev;
    private final int[] lruNext;
    private int lruHead = -1;
    private int lruTail = -1;

    HashTabMap(int id, MapAttr attr) {
        super(id, attr);
        MapType type = attr.type();
        this.perCpu = type == MapType.PERCPU_HASH;
        this.lru = type == MapType.LRU_HASH;
        this.keySize = attr.keySize();
        this.valueSize = attr.valueSize();
        this.slot = Bytes.roundUp8(valueSize);
        long cap = (long) attr.maxEntries() + Cpus.count() + Math.min(attr.maxEntries(), MAX_SPARE);
        long tableSize = Long.highestOneBit(Math.max(2, cap * 2 - 1)) << 1;
        int cpus = perCpu ? Cpus.count() : 1;
        MapFactory.checkAllocation(attr, cap * slot, cap * keySize, tableSize);
        this.capacity = (int) cap;
        this.mask = (int) tableSize - 1;
        this.seed = (attr.mapFlags() & MapFlags.BPF_F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        this.table = new long[(int) tableSize];
        this.keys = new byte[capacity * keySize];
        this.values = new byte[cpus][];
        for (int c = 0; c < cpus; c++) values[c] = new byte[capacity * slot];
        this.versions = new int[capacity];
        this.live = new byte[capacity];
        this.freeRing = new int[capacity];
        for (int e = 0; e < capacity; e++) freeRing[e] = e;
        this.freeCount = capacity;
        this.ref = lru ? new byte[capacity] : null;
        this.lruPrev = lru ? new int[capacity] : null;
        this.lruNext = lru ? new int[capacity] : null;
    }

    @Override public boolean isPerCpu() { return perCpu; }

    @Override public int valueStorageCount() { return values.length; }

    @Override
    public byte[] valueStorage(int cpu) { return perCpu ? values[cpu] : values[0]; }

    /**
     * How many elements are preallocated: {@code max_entries + nr_cpus + min(max_entries, 1024)};
     * the ones beyond {@code max_entries} delay the reuse of freed value slots.
     */
    public int preallocatedElements() { return capacity; }

    /** The number of elements in the map. */
    public int elementCount() { return count; }

    // ================================================================ program face

    @Override
    public int lookupForProgram(byte[] keyArr, int keyOff) {
        int e = keySize == 4 ? find4(Bytes.getInt(keyArr, keyOff)) : find(keyArr, keyOff);
        if (e < 0) return -1;
        if (lru && ref[e] == 0) ref[e] = 1;
        return e * slot;
    }

    @Override
    public int updateFromProgram(byte[] keyArr, int keyOff, byte[] valueArr, int valueOff, long flags) {
        int err = updateFlagsError(flags);
        if (err != 0) return err;
        return doUpdate(keyArr, keyOff, valueArr, valueOff, flags, false);
    }

    @Override
    public int deleteFromProgram(byte[] keyArr, int keyOff) {
        return doDelete(keyArr, keyOff);
    }

    // ================================================================ syscall face

    @Override
    public byte[] lookup(byte[] key) {
        checkReadable();
        checkKey(key);
        byte[] out = new byte[syscallValueSize()];
        for (;;) {
            int e = find(key, 0);
            if (e < 0) return null;
            int v = (int) VERSION.getAcquire(versions, e);
            // the element may have been reused since find: copy only while it provably holds the key
            if ((v & 1) != 0 || !keyEquals(key, 0, e)) continue;
            int off = e * slot;
            if (perCpu) {
                for (int c = 0; c < values.length; c++) Bytes.copyOutOfSlot(values[c], off, out, c * slot, valueSize);
            } else {
                Bytes.copyOutOfSlot(values[0], off, out, 0, valueSize);
            }
            VarHandle.acquireFence();
            if ((int) VERSION.getOpaque(versions, e) == v) return out;
        }
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkWritable();
        checkKey(key);
        checkValue(value);
        checkUpdateFlags(flags);
        int r = doUpdate(key, 0, value, 0, flags, true);
        if (r == 0) return;
        if (r == -Errno.EEXIST.value()) throw new BpfException(Errno.EEXIST, "key already exists (BPF_NOEXIST)");
        if (r == -Errno.ENOENT.value()) throw new BpfException(Errno.ENOENT, "no such key (BPF_EXIST)");
        if (r == -Errno.E2BIG.value()) {
            throw new BpfException(Errno.E2BIG, "map '" + name() + "' is full (max_entries " + maxEntries() + ")");
        }
        throw new BpfException(Errno.EINVAL, "update failed: " + r);
    }

    @Override
    public void delete(byte[] key) {
        checkWritable();
        checkKey(key);
        if (doDelete(key, 0) != 0) throw new BpfException(Errno.ENOENT, "no such key");
    }

    @Override
    public byte[] getNextKey(byte[] keyOrNull) {
        checkReadable();
        int start = 0;
        if (keyOrNull != null) {
            checkKey(keyOrNull);
            int e = find(keyOrNull, 0);
            if (e >= 0) start = e + 1;
        }
        byte[] out = new byte[keySize];
        for (int e = start; e < capacity; e++) {
            while ((byte) LIVE.getAcquire(live, e) != 0) {
                int v = (int) VERSION.getAcquire(versions, e);
                if ((v & 1) != 0) { Thread.onSpinWait(); continue; }
                System.arraycopy(keys, e * keySize, out, 0, keySize);
                VarHandle.acquireFence();
                if ((int) VERSION.getOpaque(versions, e) == v) return out;
            }
        }
        return null;
    }

    // ================================================================ the table

    private int hashOf(byte[] k, int off) {
        switch (keySize) {
            case 4: return hash32(Bytes.getInt(k, off));
            case 8: {
                long h = Bytes.mix(seed ^ Bytes.getLong(k, off));
                return (int) (h ^ (h >>> 32));
            }
            default: return Bytes.hash(k, off, keySize, seed);
        }
    }

    /**
     * The hash of a 4-byte key: MurmurHash3's fmix32 of the key xor the seed. Every step is
     * invertible, so two different keys never share a hash: for 4-byte keys the hash in a table
     * entry <em>is</em> the key, and lookups need neither the key bytes nor the element's version.
     */
    private int hash32(int key) {
        int h = key ^ (int) seed;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private boolean keyEquals(byte[] k, int off, int e) {
        int ko = e * keySize;
        switch (keySize) {
            case 4: return Bytes.getInt(keys, ko) == Bytes.getInt(k, off);
            case 8: return Bytes.getLong(keys, ko) == Bytes.getLong(k, off);
            default: return java.util.Arrays.equals(keys, ko, ko + keySize, k, off, off + keySize);
        }
    }

    private static long entry(int hash, int e) { return ((long) hash << 32) | (e + 1); }

    /**
     * Lock-free lookup of a 4-byte key: the first entry with the key's hash is the key's entry
     * (see {@link #hash32}). Reading it is the linearisation point, exactly as for a hit of
     * {@link #find}: the element held the key when the entry was read.
     */
    private int find4(int key) {
        final int h = hash32(key);
        final long[] t = table;
        final int m = mask;
        for (;;) {
            final int seq = (int) SHIFT_SEQ.getAcquire(this);
            for (int i = h & m; ; i = (i + 1) & m) {
                long ent = (long) TABLE.getAcquire(t, i);
                if (ent == 0) break;
                if ((int) (ent >>> 32) == h) return (int) ent - 1;
            }
            VarHandle.acquireFence();
            if ((seq & 1) == 0 && (int) SHIFT_SEQ.getOpaque(this) == seq) return -1;
            Thread.onSpinWait();
        }
    }

    /**
     * Lock-free: the element holding the key, or -1. A candidate element is trusted only when its
     * key matched inside a stable, even version. When a candidate fails that test, the slot is read
     * again: an update may have replaced the entry in place (same slot, new element) and the old
     * element been reused since, and skipping the slot would then miss a key that never left.
     */
    private int find(byte[] k, int off) {
        final int h = hashOf(k, off);
        final long[] t = table;
        final int m = mask;
        for (;;) {
            final int seq = (int) SHIFT_SEQ.getAcquire(this);
            for (int i = h & m; ; i = (i + 1) & m) {
                long ent = (long) TABLE.getAcquire(t, i);
                while (ent != 0 && (int) (ent >>> 32) == h) {
                    int e = (int) ent - 1;
                    int v = (int) VERSION.getAcquire(versions, e);
                    boolean stable = false;
                    if ((v & 1) == 0) {
                        boolean equal = keyEquals(k, off, e);
                        VarHandle.acquireFence();
                        stable = (int) VERSION.getOpaque(versions, e) == v;
                        if (stable && equal) return e;
                    }
                    long again = (long) TABLE.getAcquire(t, i);
                    if (again == ent && stable) break; // another key with the same hash
                    ent = again;                       // look at this slot again
                    Thread.onSpinWait();
                }
                if (ent == 0) break;
            }
            VarHandle.acquireFence();
            if ((seq & 1) == 0 && (int) SHIFT_SEQ.getOpaque(this) == seq) return -1;
            Thread.onSpinWait();
        }
    }

    /** Under the lock: the table position of the key, or -1. */
    private int position(byte[] k, int off, int h) {
        final long[] t = table;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            long ent = t[i];
            if (ent == 0) return -1;
            if ((int) (ent >>> 32) == h && keyEquals(k, off, (int) ent - 1)) return i;
        }
    }

    /** Under the lock: removes the entry at {@code pos} by backward shift. */
    private void removeAt(int pos) {
        final long[] t = table;
        final int m = mask;
        int hole = pos;
        boolean shifting = false;
        int seq = shiftSeq;
        for (int i = (pos + 1) & m; ; i = (i + 1) & m) {
            long ent = t[i];
            if (ent == 0) break;
            int home = (int) (ent >>> 32) & m;
            // the entry may fill the hole if its home is not between the hole and itself
            if (((i - home) & m) >= ((i - hole) & m)) {
                if (!shifting) {
                    shifting = true;
                    SHIFT_SEQ.setOpaque(this, seq + 1);
                    VarHandle.storeStoreFence();
                }
                TABLE.setRelease(t, hole, ent);
                hole = i;
            }
        }
        TABLE.setRelease(t, hole, 0L);
        if (shifting) SHIFT_SEQ.setRelease(this, seq + 2);
    }

    // ================================================================ writers

    private int doUpdate(byte[] k, int ko, byte[] v, int vo, long flags, boolean syscall) {
        final int h = hashOf(k, ko);
        lock.lock();
        try {
            int pos = position(k, ko, h);
            if (pos >= 0) {
                if (flags == MapFlags.BPF_NOEXIST) return -Errno.EEXIST.value();
                int old = (int) table[pos] - 1;
                if (perCpu) {
                    writeValue(old, v, vo, syscall, false);
                    return 0;
                }
                int e = allocate();
                fill(e, k, ko, v, vo, syscall);
                LIVE.setRelease(live, e, (byte) 1);
                TABLE.setRelease(table, pos, entry(h, e));
                LIVE.setRelease(live, old, (byte) 0);
                if (lru) {
                    lruUnlink(old);
                    lruPushTail(e);
                }
                release(old);
                return 0;
            }
            if (flags == MapFlags.BPF_EXIST) return -Errno.ENOENT.value();
            if (count >= maxEntries()) {
                if (!lru) return -Errno.E2BIG.value();
                evictOne();
            }
            int e = allocate();
            fill(e, k, ko, v, vo, syscall);
            int i = h & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            LIVE.setRelease(live, e, (byte) 1);
            TABLE.setRelease(table, i, entry(h, e));
            count = count + 1;
            if (lru) lruPushTail(e);
            return 0;
        } finally {
            lock.unlock();
        }
    }

    private int doDelete(byte[] k, int ko) {
        final int h = hashOf(k, ko);
        lock.lock();
        try {
            int pos = position(k, ko, h);
            if (pos < 0) return -Errno.ENOENT.value();
            removeElement(pos);
            return 0;
        } finally {
            lock.unlock();
        }
    }

    private void removeElement(int pos) {
        int e = (int) table[pos] - 1;
        removeAt(pos);
        LIVE.setRelease(live, e, (byte) 0);
        if (lru) lruUnlink(e);
        release(e);
        count = count - 1;
    }

    /** Under the lock: the next free element, oldest freed first. There is always one. */
    private int allocate() {
        int e = freeRing[freeHead];
        freeHead = freeHead + 1 == capacity ? 0 : freeHead + 1;
        freeCount--;
        return e;
    }

    private void release(int e) {
        int tail = freeHead + freeCount;
        if (tail >= capacity) tail -= capacity;
        freeRing[tail] = e;
        freeCount++;
    }

    /** Under the lock: writes key and value of a free element inside its version seqlock. */
    private void fill(int e, byte[] k, int ko, byte[] v, int vo, boolean syscall) {
        int ver = versions[e];
        VERSION.setOpaque(versions, e, ver + 1);
        VarHandle.storeStoreFence();
        System.arraycopy(k, ko, keys, e * keySize, keySize);
        writeValue(e, v, vo, syscall, true);
        if (lru) ref[e] = 0;
        VERSION.setRelease(versions, e, ver + 2);
    }

    /**
     * Writes a value: from the syscall face every CPU's value (per-CPU maps), from a program the
     * current CPU's, zeroing the other CPUs' values of a fresh element as Linux does.
     */
    private void writeValue(int e, byte[] src, int srcOff, boolean syscall, boolean fresh) {
        int off = e * slot;
        if (!perCpu) {
            Bytes.copyIntoSlot(src, srcOff, values[0], off, valueSize);
            if (fresh) Bytes.zeroSlot(values[0], off + valueSize, slot - valueSize);
            return;
        }
        if (syscall) {
            for (int c = 0; c < values.length; c++) {
                Bytes.copyIntoSlot(src, srcOff + c * slot, values[c], off, valueSize);
                if (fresh) Bytes.zeroSlot(values[c], off + valueSize, slot - valueSize);
            }
            return;
        }
        int me = Cpus.current();
        for (int c = 0; c < values.length; c++) {
            if (c == me) {
                Bytes.copyIntoSlot(src, srcOff, values[c], off, valueSize);
                if (fresh) Bytes.zeroSlot(values[c], off + valueSize, slot - valueSize);
            } else if (fresh) {
                Bytes.zeroSlot(values[c], off, slot);
            }
        }
    }

    // ================================================================ LRU

    /** Under the lock: evicts the least recently used element, giving referenced ones a second chance. */
    private void evictOne() {
        int budget = 2 * count + 2; // programs may set bits while we rotate: bound the work
        int e = lruHead;
        while (ref[e] != 0 && budget-- > 0) {
            ref[e] = 0;
            lruUnlink(e);
            lruPushTail(e);
            e = lruHead;
        }
        int pos = position(keys, e * keySize, hashOf(keys, e * keySize));
        removeElement(pos);
    }

    private void lruPushTail(int e) {
        lruPrev[e] = lruTail;
        lruNext[e] = -1;
        if (lruTail >= 0) lruNext[lruTail] = e; else lruHead = e;
        lruTail = e;
    }

    private void lruUnlink(int e) {
        int p = lruPrev[e];
        int n = lruNext[e];
        if (p >= 0) lruNext[p] = n; else lruHead = n;
        if (n >= 0) lruPrev[n] = p; else lruTail = p;
    }
}
