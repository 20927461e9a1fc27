package dev.kbpf.verifier;

/**
 * One subprogram: instructions {@code [start, end)} and the stack it uses, rounded up to 8 bytes
 * the way Linux reports {@code stack depth}.
 */
public record Subprog(int index, int start, int end, int stackDepth) {}
