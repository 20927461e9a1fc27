package dev.kbpf.runtime;

import dev.kbpf.exec.FunctionTable;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.HelperDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The helpers of the system, collected from providers. An id belongs to the first provider that
 * offers it while that provider stays; a program binds the helpers it calls when it is loaded, and
 * is unloaded when their provider goes (see {@link BpfRuntime#removeHelperProvider}).
 */
final class HelperTable {
    /** A helper with the provider it came from. */
    record Entry(BpfHelper helper, Object providerKey, String providerName) {
        HelperDescriptor descriptor() { return helper.descriptor(); }
    }

    private final Map<Integer, Entry> byId = new HashMap<>();
    private final Map<Object, List<Entry>> byProvider = new HashMap<>();
    private final Consumer<String> log;
    private volatile FunctionTable functions = FunctionTable.EMPTY;

    HelperTable(Consumer<String> log) {
        this.log = log;
    }

    synchronized List<Entry> addProvider(Object key, String providerName, Collection<BpfHelper> helpers) {
        if (byProvider.containsKey(key)) return List.of();
        List<Entry> added = new ArrayList<>();
        for (BpfHelper h : helpers) {
            Entry owner = byId.get(h.descriptor().id());
            if (owner != null) {
                log.accept("helper " + h.descriptor().funcName() + "#" + h.descriptor().id() + " of " + providerName
                        + " ignored: already provided by " + owner.providerName());
                continue;
            }
            Entry e = new Entry(h, key, providerName);
            byId.put(h.descriptor().id(), e);
            added.add(e);
        }
        byProvider.put(key, added);
        rebuild();
        return added;
    }

    synchronized List<Entry> removeProvider(Object key) {
        List<Entry> gone = byProvider.remove(key);
        if (gone == null) return List.of();
        for (Entry e : gone) byId.remove(e.descriptor().id(), e);
        rebuild();
        return gone;
    }

    private void rebuild() {
        FunctionTable.Builder b = FunctionTable.builder();
        for (Entry e : byId.values()) b.put(e.descriptor().id(), e.descriptor().funcName(), e.helper().function());
        functions = b.build();
    }

    synchronized Optional<Entry> byId(int id) { return Optional.ofNullable(byId.get(id)); }

    /** Every helper, by id. */
    synchronized List<Entry> all() {
        List<Entry> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparingInt(e -> e.descriptor().id()));
        return out;
    }

    /** The current table of helper bodies, for binding into a program at load time. */
    FunctionTable functions() { return functions; }
}
