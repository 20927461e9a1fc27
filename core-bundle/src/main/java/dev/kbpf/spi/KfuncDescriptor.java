package dev.kbpf.spi;

import dev.kbpf.api.ProgType;
import java.util.Set;

/** An unstable kernel function, called by name: no id is promised to outlive its provider. */
public record KfuncDescriptor(String name, FunctionProto proto, Set<KfuncFlag> flags, Set<ProgType> progTypes) {

    public KfuncDescriptor {
        flags = Set.copyOf(flags);
        progTypes = Set.copyOf(progTypes);
    }

    public boolean has(KfuncFlag flag) { return flags.contains(flag); }
}
