package dev.kbpf.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The long-lived regions of one BPF subsystem: map value storage, ring buffers, read-only data.
 *
 * <p>Ids start at {@link AddressSpace#LOCAL_SLOTS}, above the per-execution ids, so one address
 * names the same map value on every thread. Reads ({@link #get}) take no lock: the table is an
 * array published through a volatile field and read with acquire semantics, which on x86 is a
 * plain load. Registration and removal take a lock (rare: map creation and deletion).
 *
 * <p>Freed ids are reused oldest-first, and only once the table's never-used ids are gone, so a
 * stale pointer is unlikely to reach a new region soon; a verified program cannot keep a pointer
 * across runs anyway.
 */
public final class RegionTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Region[].class);
    /** Largest id handed out; keeps the table's array within reason. */
    public static final int MAX_ID = (1 << 24) - 1;

    private volatile Region[] slots = unmapped(64);   // never null entries: Region.UNMAPPED where nothing is
    private final Object lock = new Object();
    private final ArrayDeque<Integer> freed = new ArrayDeque<>();
    private int next = AddressSpace.LOCAL_SLOTS;

    /** Registers a region and returns its id; the region's addresses start at {@code Address.of(id, 0)}. */
    public int register(Region region) {
        Objects.requireNonNull(region, "region");
        synchronized (lock) {
            Region[] table = slots;
            int id;
            if (next < table.length) id = next++;                 // a never-used slot: no growth needed
            else if (!freed.isEmpty()) id = freed.poll();          // reuse before growing, oldest first
            else if (next <= MAX_ID) id = next++;
            else throw new IllegalStateException("no free region id: " + (MAX_ID - AddressSpace.LOCAL_SLOTS + 1) + " regions registered");
            if (id >= table.length) {
                Region[] grown = unmapped(Math.min(MAX_ID + 1, Math.max(id + 1, table.length * 2)));
                System.arraycopy(table, 0, grown, 0, table.length);
                SLOT.setRelease(grown, id, region);
                slots = grown;
            } else {
                SLOT.setRelease(table, id, region);
            }
            return id;
        }
    }

    /** Removes a region; later accesses through its addresses fault. */
    public void unregister(int id) {
        synchronized (lock) {
            Region[] table = slots;
            if (id < AddressSpace.LOCAL_SLOTS || id >= table.length || table[id] == Region.UNMAPPED) {
                throw new IllegalArgumentException("region id " + id + " is not registered");
            }
            SLOT.setRelease(table, id, Region.UNMAPPED);
            freed.add(id);
        }
    }

    /** The region with this id, or {@code null}. Lock-free; safe from any thread. */
    public Region get(int id) {
        Region r = at(id);
        return r == Region.UNMAPPED ? null : r;
    }

    /** The region with this id, or {@link Region#UNMAPPED} (the address space's hot path: no null check). */
    Region at(int id) {
        Region[] table = slots;
        return Integer.compareUnsigned(id, table.length) < 0 ? (Region) SLOT.getAcquire(table, id) : Region.UNMAPPED;
    }

    private static Region[] unmapped(int length) {
        Region[] table = new Region[length];
        java.util.Arrays.fill(table, Region.UNMAPPED);
        return table;
    }
}
