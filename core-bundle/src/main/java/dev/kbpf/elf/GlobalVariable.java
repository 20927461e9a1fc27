package dev.kbpf.elf;

/**
 * A global variable inside a global-data map, from the object's symbol table: what a user sets
 * in {@code .rodata} before loading ({@code const volatile __u64 max_stops = 3;}).
 *
 * @param name   the C name
 * @param offset its offset in the map's value (the section)
 * @param size   its size in bytes
 */
public record GlobalVariable(String name, int offset, int size) {}
