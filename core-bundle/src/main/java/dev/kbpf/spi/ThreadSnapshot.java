package dev.kbpf.spi;

import java.util.List;
import java.util.Objects;

/**
 * A JVM thread as a crash dump records it.
 *
 * @param waitingOn the lock it is blocked on or waits for, and its owner; empty when none
 * @param frames    its stack, innermost first, as {@code jstack} prints a frame
 */
public record ThreadSnapshot(long id, String name, String state, boolean daemon, String waitingOn, List<String> frames) {
    public ThreadSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        waitingOn = waitingOn == null ? "" : waitingOn;
        frames = List.copyOf(frames);
    }
}
