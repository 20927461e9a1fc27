package dev.kbpf.api;

import java.util.Objects;

/**
 * The attributes of {@code BPF_MAP_CREATE}: type, key and value sizes in bytes, the maximum
 * number of entries, {@code map_flags} ({@link MapFlags}) and an optional name.
 * This record only carries the values; the map factory checks them against the map type and
 * answers bad ones with {@code EINVAL}, as Linux does.
 */
public record MapAttr(MapType type, int keySize, int valueSize, int maxEntries, int mapFlags, String name) {

    /** Linux's {@code BPF_OBJ_NAME_LEN}: 16 bytes including the terminating NUL. */
    public static final int OBJ_NAME_LEN = 16;

    public MapAttr {
        Objects.requireNonNull(type, "map type");
        name = name == null ? "" : name;
    }

    /** A map without flags and without a name. */
    public static MapAttr of(MapType type, int keySize, int valueSize, int maxEntries) {
        return new MapAttr(type, keySize, valueSize, maxEntries, 0, "");
    }

    public MapAttr withFlags(int flags) { return new MapAttr(type, keySize, valueSize, maxEntries, flags, name); }

    public MapAttr withName(String newName) { return new MapAttr(type, keySize, valueSize, maxEntries, mapFlags, newName); }
}
