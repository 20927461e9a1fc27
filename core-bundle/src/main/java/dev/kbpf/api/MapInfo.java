package dev.kbpf.api;

/** What {@code map show} tells about a map. */
public record MapInfo(int id, String name, MapType type, int keySize, int valueSize, int maxEntries, int flags, boolean frozen) {}
