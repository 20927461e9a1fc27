package dev.kbpf.machine;

import java.time.Duration;

/** What follows a panic, read from {@code kernel.panic} as Linux reads {@code panic_timeout}. */
public sealed interface PanicAction {

    /** {@code kernel.panic = 0}: halt and stay halted (Linux loops forever). */
    record Halt() implements PanicAction {}

    /** {@code kernel.panic = N}: reboot after N seconds if N &gt; 0, at once (zero delay) if N &lt; 0. */
    record Reboot(Duration delay) implements PanicAction {}

    static PanicAction of(int kernelPanic) {
        if (kernelPanic == 0) return new Halt();
        return new Reboot(kernelPanic < 0 ? Duration.ZERO : Duration.ofSeconds(kernelPanic));
    }
}
