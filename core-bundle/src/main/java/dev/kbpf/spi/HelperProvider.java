package dev.kbpf.spi;

import java.util.List;

/**
 * A whiteboard service: any bundle registers one to offer stable helpers, by their Linux UAPI ids.
 * Core collects every provider into the helper table that the verifier and executors use. When a
 * provider goes away, every loaded program that calls one of its helpers is detached and
 * unloaded, and dmesg says which and why. Two providers offering the same id: the first one
 * registered keeps it (helper ids are never rebound while programs may use them).
 */
public interface HelperProvider {

    /** The helpers offered; read once when the provider is bound. */
    List<BpfHelper> helpers();
}
