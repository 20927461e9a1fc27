package dev.kbpf.verifier;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.HelperDescriptor;

import java.util.Optional;

/**
 * What the loader tells the verifier about the world at load time: the helper table, the kfunc
 * registry (or its absence), the maps that {@code lddw} pseudo instructions name, the destructive
 * policy and sysctl, the license, and the context layouts.
 *
 * <p>Implementations are asked during verification only; they must not throw (an exception
 * becomes a rejection that names the environment as the culprit).
 */
public interface VerifierEnv {

    /** The helper registered under a Linux UAPI id, if any provider registers it now. */
    Optional<HelperDescriptor> helper(int id);

    /** False when the kfunc registry service is absent: then no kfunc resolves. */
    boolean kfuncRegistryPresent();

    /** The kfunc a call instruction ({@code src = BPF_PSEUDO_KFUNC_CALL}) names by its {@code imm}. */
    Optional<ResolvedKfunc> kfunc(int id);

    /**
     * The map a {@code lddw} names: {@code pseudo} is the instruction's {@code src}
     * ({@code BPF_PSEUDO_MAP_FD}/{@code _VALUE} with an fd in {@code imm},
     * {@code BPF_PSEUDO_MAP_IDX}/{@code _IDX_VALUE} with an index into the program's map array).
     */
    Optional<MapInfo> map(int pseudo, int imm);

    /** The sysctl {@code kernel.destructive_bpf_enabled}. */
    boolean destructiveBpfEnabled();

    /** How many destructive guard rails apply. */
    DestructivePolicy destructivePolicy();

    /** True when the program's license is GPL-compatible ({@code gpl_only} helpers, kfuncs). */
    boolean gplCompatible();

    /** The context layout of a program type. */
    default ContextLayout contextLayout(ProgType type) { return ContextLayout.defaultFor(type); }

    /**
     * The sysctl {@code kernel.unprivileged_bpf_disabled}: when false, a loader without
     * {@code CAP_BPF} may load socket filters (with the 4,096-instruction limit), as Linux allows.
     */
    default boolean unprivilegedBpfDisabled() { return true; }
}
