package dev.kbpf.itest;

import static org.junit.Assert.fail;

import java.util.function.BooleanSupplier;

/** Waits for what the framework does asynchronously (services coming and going), with a deadline. */
final class Awaits {
    private Awaits() {}

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }
}
