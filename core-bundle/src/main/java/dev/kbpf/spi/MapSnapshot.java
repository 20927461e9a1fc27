package dev.kbpf.spi;

import dev.kbpf.api.MapType;
import java.util.List;
import java.util.Objects;

/**
 * A map as a crash dump records it: its definition, how many entries it holds and the first
 * entries (capped, so a huge map cannot make a dump huge).
 */
public record MapSnapshot(int id, String name, MapType type, int keySize, int valueSize, int maxEntries,
                          long entryCount, List<Entry> entries) {

    public MapSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        entries = List.copyOf(entries);
    }

    /** True when some entries were left out by the cap. */
    public boolean truncated() { return entries.size() < entryCount; }

    /** One key and its value, as bytes. */
    public record Entry(byte[] key, byte[] value) {
        public Entry {
            key = key.clone();
            value = value.clone();
        }

        @Override public byte[] key() { return key.clone(); }

        @Override public byte[] value() { return value.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Entry e && java.util.Arrays.equals(e.key, key) && java.util.Arrays.equals(e.value, value);
        }

        @Override public int hashCode() { return 31 * java.util.Arrays.hashCode(key) + java.util.Arrays.hashCode(value); }

        @Override public String toString() { return "Entry[key=" + key.length + " bytes, value=" + value.length + " bytes]"; }
    }
}
