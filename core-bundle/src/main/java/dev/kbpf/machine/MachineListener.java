package dev.kbpf.machine;

import dev.kbpf.spi.MachineState;

/**
 * Told of every change of the machine's state, after it happened, on the thread that caused it:
 * the runtime stops running programs once the machine panics, and forgets them at a new boot.
 */
@FunctionalInterface
public interface MachineListener {
    void stateChanged(MachineState from, MachineState to);
}
