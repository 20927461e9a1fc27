package dev.kbpf.runtime;

import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.maps.BpfMap;
import dev.kbpf.memory.Address;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;
import dev.kbpf.memory.RegionTable;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds maps into the address space. Each map gets a handle region (what a {@code lddw} pseudo map
 * fd loads: a zero-byte region, so dereferencing a map pointer faults) and one region per value
 * storage (one per CPU for per-CPU maps, the data area for a ring buffer). A value pointer handed
 * to a program is an address in a storage region; helpers find the map behind any such address
 * through the region id in one array load.
 */
final class MapMemory {
    private static final byte[] NO_BYTES = new byte[0];

    /** A map bound into memory. */
    record Bound(BpfMap map, int handleRegion, int[] storageRegions) {
        long handleAddress() { return Address.of(handleRegion, 0); }

        /** The address of a value slot found by a program-face operation. */
        long valueAddress(int storage, int offset) { return Address.of(storageRegions[storage], offset); }
    }

    private final RegionTable regions;
    private final ConcurrentHashMap<Integer, Bound> byMapId = new ConcurrentHashMap<>();
    /** Region id → the bound map it belongs to (handle or storage). Copy-on-write, read without locks. */
    private volatile Bound[] byRegion = new Bound[64];

    MapMemory(RegionTable regions) {
        this.regions = regions;
    }

    synchronized Bound bind(BpfMap map) {
        int handle = regions.register(new Region(RegionKind.RAW, "map handle " + map.id() + " " + map.name(), NO_BYTES, 0, 0, true));
        boolean readOnlyForPrograms = (map.mapFlags() & MapFlags.BPF_F_RDONLY_PROG) != 0;
        int[] storage = new int[map.valueStorageCount()];
        for (int cpu = 0; cpu < storage.length; cpu++) {
            byte[] bytes = map.valueStorage(cpu);
            RegionKind kind = map.type() == MapType.RINGBUF ? RegionKind.RINGBUF : RegionKind.MAP_VALUE;
            storage[cpu] = regions.register(new Region(kind, "map " + map.id() + " " + map.name() + (storage.length > 1 ? " cpu " + cpu : ""),
                    bytes, 0, bytes.length, readOnlyForPrograms));
        }
        Bound b = new Bound(map, handle, storage);
        byMapId.put(map.id(), b);
        index(handle, b);
        for (int id : storage) index(id, b);
        return b;
    }

    synchronized void unbind(int mapId) {
        Bound b = byMapId.remove(mapId);
        if (b == null) return;
        Bound[] table = byRegion.clone();
        table[b.handleRegion] = null;
        regions.unregister(b.handleRegion);
        for (int id : b.storageRegions) {
            table[id] = null;
            regions.unregister(id);
        }
        byRegion = table;
    }

    private void index(int regionId, Bound b) {
        Bound[] table = byRegion;
        if (regionId >= table.length) table = Arrays.copyOf(table, Math.max(regionId + 1, table.length * 2));
        else table = table.clone();
        table[regionId] = b;
        byRegion = table;
    }

    Bound byMapId(int mapId) { return byMapId.get(mapId); }

    /** The map whose handle this address is, or null. */
    Bound byHandle(long address) {
        Bound b = byRegionId(Address.regionId(address));
        return b != null && b.handleRegion == Address.regionId(address) && Address.offset(address) == 0 ? b : null;
    }

    /** The map whose handle or storage region holds this address, or null. */
    Bound byRegionId(int regionId) {
        Bound[] table = byRegion;
        return regionId >= 0 && regionId < table.length ? table[regionId] : null;
    }
}
