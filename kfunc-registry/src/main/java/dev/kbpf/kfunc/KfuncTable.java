package dev.kbpf.kfunc;

import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The kfunc registry proper, free of OSGi: sets come and go, each kfunc gets an id that is never
 * handed out again (a program loaded against a kfunc that was since replaced cannot call the new
 * one by accident), and the table knows which loaded programs call which kfunc by name.
 *
 * <p>A kfunc name belongs to the first set that registered it; a later set offering the same name
 * does not get it (the warning goes to the given log), as Linux refuses duplicate BTF ids.
 */
public final class KfuncTable implements KfuncRegistry {
    private final Map<String, RegisteredKfunc> byName = new ConcurrentHashMap<>();
    private final Map<Integer, RegisteredKfunc> byId = new ConcurrentHashMap<>();
    /** Per registered set (by a key the caller chooses): the kfuncs it won. */
    private final Map<Object, List<RegisteredKfunc>> bySet = new HashMap<>();
    /** kfunc name → programs calling it, by program id. */
    private final Map<String, Map<Integer, ProgRef>> users = new ConcurrentHashMap<>();
    private final List<KfuncRegistryListener> listeners = new CopyOnWriteArrayList<>();
    private final Consumer<String> log;
    private int nextId = 1;

    public KfuncTable(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Registers a set. {@code key} identifies the registration (the provider service), so the same
     * set can be removed later. Returns the kfuncs that were registered.
     */
    public List<RegisteredKfunc> addSet(Object key, String setName, String providerBundle, Collection<BpfKfunc> kfuncs) {
        List<RegisteredKfunc> added = new ArrayList<>();
        synchronized (this) {
            if (bySet.containsKey(key)) return List.of();
            for (BpfKfunc k : kfuncs) {
                RegisteredKfunc owner = byName.get(k.name());
                if (owner != null) {
                    log.accept("kfunc " + k.name() + " of set " + setName + " ignored: already provided by set " + owner.setName());
                    continue;
                }
                RegisteredKfunc r = new RegisteredKfunc(nextId++, setName, providerBundle, k);
                byName.put(r.name(), r);
                byId.put(r.id(), r);
                added.add(r);
            }
            bySet.put(key, added);
        }
        if (!added.isEmpty()) listeners.forEach(l -> l.kfuncsAdded(added));
        return added;
    }

    /** Unregisters a set; listeners unload the programs that called its kfuncs. */
    public List<RegisteredKfunc> removeSet(Object key, String reason) {
        List<RegisteredKfunc> gone;
        synchronized (this) {
            gone = bySet.remove(key);
            if (gone == null) return List.of();
            for (RegisteredKfunc r : gone) {
                byName.remove(r.name(), r);
                byId.remove(r.id(), r);
            }
        }
        if (!gone.isEmpty()) listeners.forEach(l -> l.kfuncsRemoved(gone, reason));
        return gone;
    }

    /** Removes every set, as when the registry itself goes away. */
    public void clear(String reason) {
        List<Object> keys;
        synchronized (this) {
            keys = new ArrayList<>(bySet.keySet());
        }
        for (Object key : keys) removeSet(key, reason);
    }

    /** The names of registered sets with their kfuncs, sorted. */
    public synchronized Map<String, List<RegisteredKfunc>> sets() {
        Map<String, List<RegisteredKfunc>> out = new TreeMap<>();
        for (List<RegisteredKfunc> set : bySet.values())
            for (RegisteredKfunc r : set) out.computeIfAbsent(r.setName(), s -> new ArrayList<>()).add(r);
        return out;
    }

    @Override
    public Optional<RegisteredKfunc> byName(String name) { return Optional.ofNullable(byName.get(name)); }

    @Override
    public Optional<RegisteredKfunc> byId(int id) { return Optional.ofNullable(byId.get(id)); }

    @Override
    public List<RegisteredKfunc> all() {
        List<RegisteredKfunc> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparing(RegisteredKfunc::name));
        return out;
    }

    @Override
    public void recordUser(ProgRef prog, Collection<String> kfuncNames) {
        forgetUser(prog.id());
        for (String name : Set.copyOf(kfuncNames))
            users.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(prog.id(), prog);
    }

    @Override
    public void forgetUser(int progId) {
        users.values().forEach(m -> m.remove(progId));
        users.values().removeIf(Map::isEmpty);
    }

    @Override
    public List<ProgRef> users(String kfuncName) {
        Map<Integer, ProgRef> m = users.get(kfuncName);
        if (m == null) return List.of();
        List<ProgRef> out = new ArrayList<>(m.values());
        out.sort(Comparator.comparingInt(ProgRef::id));
        return out;
    }

    /** Every kfunc name some loaded program calls, with its callers. */
    public Map<String, List<ProgRef>> allUsers() {
        Map<String, List<ProgRef>> out = new LinkedHashMap<>();
        for (String name : new TreeSet<>(users.keySet())) out.put(name, users(name));
        return out;
    }

    @Override
    public void addListener(KfuncRegistryListener listener) { listeners.add(listener); }

    @Override
    public void removeListener(KfuncRegistryListener listener) { listeners.remove(listener); }
}
