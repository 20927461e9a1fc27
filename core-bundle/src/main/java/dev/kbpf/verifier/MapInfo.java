package dev.kbpf.verifier;

import dev.kbpf.api.MapType;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What the verifier knows about a map that a {@code lddw} pseudo instruction refers to.
 *
 * @param id          the map's id (for the log and for executors binding the instruction)
 * @param type        the map type
 * @param keySize     key size in bytes
 * @param valueSize   value size in bytes
 * @param maxEntries  capacity
 * @param name        the map's name as the log shows it ({@code map=counts})
 * @param readOnly    true when programs may not write the map's values (a frozen {@code .rodata})
 * @param frozenValue for a frozen read-only array map, the bytes of its (single) value, so that
 *                    {@code ARG_PTR_TO_CONST_STR} arguments can be checked as NUL-terminated
 *                    constant strings; {@code null} otherwise
 */
public record MapInfo(int id, MapType type, int keySize, int valueSize, int maxEntries, String name,
                      boolean readOnly, byte[] frozenValue) {

    public MapInfo {
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("negative map size: key=" + keySize + " value=" + valueSize + " max=" + maxEntries);
        }
        frozenValue = frozenValue == null ? null : frozenValue.clone();
    }

    /** A writable map without frozen contents. */
    public static MapInfo of(int id, MapType type, int keySize, int valueSize, int maxEntries, String name) {
        return new MapInfo(id, type, keySize, valueSize, maxEntries, name, false, null);
    }

    /** A frozen read-only single-value array map (libbpf's {@code .rodata}), with its bytes. */
    public static MapInfo frozenArray(int id, String name, byte[] value) {
        return new MapInfo(id, MapType.ARRAY, 4, value.length, 1, name, true, value);
    }

    /** The frozen bytes, when the map is read-only and frozen. */
    public Optional<byte[]> frozenBytes() { return Optional.ofNullable(frozenValue).map(byte[]::clone); }

    /** True for maps whose values a program may address directly (lddw pseudo map value): arrays. */
    public boolean supportsDirectValueAccess() {
        return type == MapType.ARRAY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapInfo m && id == m.id && type == m.type && keySize == m.keySize && valueSize == m.valueSize
                && maxEntries == m.maxEntries && name.equals(m.name) && readOnly == m.readOnly
                && Arrays.equals(frozenValue, m.frozenValue);
    }

    @Override
    public int hashCode() { return Objects.hash(id, type, keySize, valueSize, maxEntries, name, readOnly) * 31 + Arrays.hashCode(frozenValue); }

    @Override
    public String toString() {
        return "MapInfo[id=" + id + ", type=" + type + ", name=" + name + ", ks=" + keySize + ", vs=" + valueSize
                + ", max_entries=" + maxEntries + (readOnly ? ", rdonly" : "") + "]";
    }
}
