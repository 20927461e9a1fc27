package dev.kbpf.exec;

/**
 * What the verifier learned about each memory instruction, indexed by instruction slot (the pc of
 * the verifier log). Present only for verified programs; an executor given hints may rely on them
 * to skip checks — this is the hook for the verified fast path.
 */
@FunctionalInterface
public interface AccessHints {

    /** The pointer kind the memory instruction at {@code slot} always uses, or {@link PointerKind#UNKNOWN}. */
    PointerKind pointerKind(int slot);
}
