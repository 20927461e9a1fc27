package dev.kbpf.spi;

/** A loaded program, as the kfunc registry knows its users: id, name and tag. */
public record ProgRef(int id, String name, String tag) {}
