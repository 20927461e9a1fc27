package dev.kbpf.spi;

import dev.kbpf.api.ProgType;
import java.util.Set;

/**
 * A stable helper: a Linux UAPI id that is never reused for another function, its name
 * (without the {@code bpf_} prefix, as in {@code enum bpf_func_id}), prototype, the program
 * types that may call it, and whether it needs a GPL-compatible license.
 */
public record HelperDescriptor(int id, String name, FunctionProto proto, Set<ProgType> progTypes, boolean gplOnly) {

    public HelperDescriptor {
        if (id <= 0) throw new IllegalArgumentException("helper ids start at 1: " + id);
        progTypes = Set.copyOf(progTypes);
    }

    /** The name as the verifier log prints it: {@code bpf_map_lookup_elem}. */
    public String funcName() { return "bpf_" + name; }
}
