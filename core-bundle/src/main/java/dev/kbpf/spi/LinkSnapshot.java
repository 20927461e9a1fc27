package dev.kbpf.spi;

import java.util.Objects;

/** A link as a crash dump records it: what binds program {@code progId} to {@code target} (a tracepoint name, ...). */
public record LinkSnapshot(int id, String type, int progId, String target) {
    public LinkSnapshot {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
    }
}
