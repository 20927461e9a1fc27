package dev.kbpf.elf;

import dev.kbpf.api.MapType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One map that an object declares, as the runtime should create it.
 *
 * @param name         the map's name: the C variable for BTF and legacy maps (a runtime cuts it to 15
 *                     characters when it creates the map, as libbpf does); for global data, libbpf's
 *                     internal name, which fits 15 characters: up to 8 of the object's name and the
 *                     section ({@code globals.rodata}, {@code crash_ke.rodata}), or the section alone when
 *                     it has a second dot ({@code .rodata.str1.1})
 * @param kind         where it was declared
 * @param type         the map type
 * @param keySize      key size in bytes (0 for {@code RINGBUF})
 * @param valueSize    value size in bytes (0 for {@code RINGBUF})
 * @param maxEntries   maximum number of entries (the ring buffer's size in bytes for {@code RINGBUF})
 * @param flags        {@code map_flags} ({@code BPF_F_RDONLY_PROG} for {@code .rodata})
 * @param readOnly     programs may not write it ({@code .rodata*}: {@code BPF_F_RDONLY_PROG})
 * @param frozen       user space may not change it after creation ({@code .rodata*}, frozen by libbpf
 *                     once the initial value is written)
 * @param initialValue for global data, the section's bytes (zeros for {@code .bss}) that are the value
 *                     of key 0; empty otherwise
 * @param section      the ELF section it came from
 * @param initialSlots entries the object puts in the map itself (a {@code PROG_ARRAY}'s {@code .values})
 * @param variables    for global data, the variables in the section, by offset
 * @param dataRelocations for global data, addresses to write into the value once maps are placed
 */
public record MapSpec(String name, MapKind kind, MapType type, int keySize, int valueSize, int maxEntries, int flags,
        boolean readOnly, boolean frozen, byte[] initialValue, String section, List<MapSlot> initialSlots,
        List<GlobalVariable> variables, List<DataRelocation> dataRelocations) {

    /** Linux's {@code BPF_F_RDONLY_PROG}: the program may read the map but not write it. */
    public static final int BPF_F_RDONLY_PROG = 1 << 7;

    public MapSpec {
        initialValue = initialValue.clone();
        initialSlots = List.copyOf(initialSlots);
        variables = List.copyOf(variables);
        dataRelocations = List.copyOf(dataRelocations);
    }

    /** A copy: the spec stays immutable. */
    @Override
    public byte[] initialValue() { return initialValue.clone(); }

    /** The global variable of that name in this map, if it is a global-data map. */
    public Optional<GlobalVariable> variable(String name) {
        return variables.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapSpec m && name.equals(m.name) && kind == m.kind && type == m.type && keySize == m.keySize
                && valueSize == m.valueSize && maxEntries == m.maxEntries && flags == m.flags && readOnly == m.readOnly
                && frozen == m.frozen && Arrays.equals(initialValue, m.initialValue) && section.equals(m.section)
                && initialSlots.equals(m.initialSlots) && variables.equals(m.variables) && dataRelocations.equals(m.dataRelocations);
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(initialValue); }

    @Override
    public String toString() {
        return "MapSpec[" + name + " " + kind + " " + type + " key=" + keySize + " value=" + valueSize + " max_entries=" + maxEntries
                + " flags=0x" + Integer.toHexString(flags) + (readOnly ? " readonly" : "") + (frozen ? " frozen" : "")
                + " section=" + section + (initialSlots.isEmpty() ? "" : " slots=" + initialSlots) + "]";
    }
}
