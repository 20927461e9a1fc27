package dev.kbpf.memory;

/** What a memory access was doing, for {@link MemoryFault}. */
public enum AccessKind {
    READ("read"), WRITE("write"), ATOMIC("atomic");

    private final String verb;

    AccessKind(String verb) { this.verb = verb; }

    /** The word a fault message uses. */
    public String verb() { return verb; }
}
