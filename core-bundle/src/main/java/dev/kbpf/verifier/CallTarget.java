package dev.kbpf.verifier;

import dev.kbpf.spi.HelperDescriptor;

/** What a call instruction was bound to at load time. */
public sealed interface CallTarget {

    /** A stable helper, by Linux UAPI id. */
    record Helper(HelperDescriptor descriptor) implements CallTarget {}

    /** A kfunc from the registry. */
    record Kfunc(ResolvedKfunc kfunc) implements CallTarget {}

    /** A bpf-to-bpf call into subprogram {@code index}, whose first instruction is {@code start}. */
    record Subprog(int index, int start) implements CallTarget {}
}
