package dev.kbpf.maps;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The maps of one kbpf instance by id, as Linux's map idr: ids start at 1, grow, and are not
 * reused while the instance lives.
 */
public final class MapRegistry {

    private final AtomicInteger nextId = new AtomicInteger(1);
    private final ConcurrentSkipListMap<Integer, BpfMap> maps = new ConcurrentSkipListMap<>();

    /** {@code BPF_MAP_CREATE}: creates a map with the next id and registers it. */
    public BpfMap create(MapAttr attr) {
        int id = nextId.getAndIncrement(); // a failed create leaves a gap in the ids, which is harmless
        BpfMap map = MapFactory.create(attr, id);
        maps.put(id, map);
        return map;
    }

    /** The map with {@code id}; {@code ENOENT} when there is none, as {@code BPF_MAP_GET_FD_BY_ID}. */
    public BpfMap get(int id) {
        BpfMap m = maps.get(id);
        if (m == null) throw new BpfException(Errno.ENOENT, "no map with id " + id);
        return m;
    }

    /** Removes the map with {@code id} (its last reference went away); false when there was none. */
    public boolean remove(int id) { return maps.remove(id) != null; }

    /** Every map, by id. */
    public List<BpfMap> list() { return List.copyOf(maps.values()); }
}
