package dev.kbpf.tracepoint;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.TracepointField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Every tracepoint of the system, by {@code category:name}. */
public final class TracepointRegistry {
    private final ConcurrentHashMap<String, TracepointDefinition> byName = new ConcurrentHashMap<>();

    /**
     * Defines a tracepoint, or returns the existing one if a tracepoint of that name with the same
     * layout exists (a bundle that restarts defines its tracepoints again); a different layout
     * under the same name is {@code EEXIST}.
     */
    public TracepointDefinition define(String category, String name, List<TracepointField> fields) {
        TracepointDefinition candidate = new TracepointDefinition(category, name, fields);
        TracepointDefinition existing = byName.putIfAbsent(candidate.fullName(), candidate);
        if (existing == null) return candidate;
        if (!existing.fields().equals(candidate.fields()))
            throw new BpfException(Errno.EEXIST, "tracepoint " + candidate.fullName() + " already exists with another record layout");
        return existing;
    }

    /** Accepts {@code cat:name}, {@code cat/name} and Linux's attach-target spelling {@code tracepoint/cat/name}. */
    public Optional<TracepointDefinition> find(String target) {
        String t = target.trim();
        if (t.startsWith("tracepoint/")) t = t.substring("tracepoint/".length());
        else if (t.startsWith("tp/")) t = t.substring("tp/".length());
        return Optional.ofNullable(byName.get(t.replace('/', ':')));
    }

    public TracepointDefinition require(String target) {
        return find(target).orElseThrow(() -> new BpfException(Errno.ENOENT, "no tracepoint '" + target + "'"));
    }

    public List<TracepointDefinition> all() {
        List<TracepointDefinition> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparing(TracepointDefinition::fullName));
        return out;
    }
}
