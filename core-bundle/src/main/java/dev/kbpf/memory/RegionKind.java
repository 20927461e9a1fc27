package dev.kbpf.memory;

/** What a region holds: the pointer kinds of the verifier, seen from memory. */
public enum RegionKind {
    /** The program's context (tracepoint record, packet metadata): one per execution. */
    CONTEXT,
    /** One 512-byte stack frame of one execution. */
    STACK,
    /** The value storage of a map (an array of values, or one value). */
    MAP_VALUE,
    /** A ring buffer's data area. */
    RINGBUF,
    /** Read-only data ({@code .rodata}, string constants): never writable. */
    RODATA,
    /** Raw memory handed to a program as-is: the {@code -- mem} of a conformance test, a packet. */
    RAW
}
