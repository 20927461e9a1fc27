package dev.kbpf.elf;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A loaded BPF object file: what {@link ElfLoader} makes of a clang-compiled {@code .o}.
 * The runtime creates {@link #maps()} in order (their indexes are the {@code imm} of the
 * programs' {@code PSEUDO_MAP_IDX}/{@code PSEUDO_MAP_IDX_VALUE} instructions), then verifies and
 * loads {@link #programs()}.
 *
 * @param name     the object's name (the file name without {@code .o}), prefix of internal map names
 * @param license  the {@code license} section's string, empty when the object has none
 * @param maps     legacy maps, then BTF-defined maps, then global data, in section order (libbpf's order)
 * @param programs the programs in section order, and within a section by offset
 */
public record BpfObject(String name, String license, List<MapSpec> maps, List<ProgramSpec> programs) {

    public BpfObject {
        maps = List.copyOf(maps);
        programs = List.copyOf(programs);
    }

    /** Whether {@link #license()} lets programs call {@code gpl_only} helpers (the kernel's list). */
    public boolean isGplCompatible() { return Licenses.isGplCompatible(license); }

    public Optional<ProgramSpec> program(String programName) {
        return programs.stream().filter(p -> p.name().equals(programName)).findFirst();
    }

    public Optional<MapSpec> map(String mapName) {
        return maps.stream().filter(m -> m.name().equals(mapName)).findFirst();
    }

    /**
     * This object with a global variable set before loading, as a libbpf skeleton does with
     * {@code skel->rodata->max_stops = 1}: the variable's bytes in its global-data map's initial
     * value are replaced.
     *
     * @param variable the C name of a variable in {@code .rodata*}, {@code .data*} or {@code .bss*}
     * @param value    exactly the variable's size in bytes, little-endian
     * @throws ElfException when there is no such variable or the size differs
     */
    public BpfObject withGlobal(String variable, byte[] value) {
        for (int i = 0; i < maps.size(); i++) {
            MapSpec m = maps.get(i);
            Optional<GlobalVariable> v = m.variable(variable);
            if (v.isEmpty()) continue;
            if (v.get().size() != value.length) {
                throw new ElfException("global variable '" + variable + "' is " + v.get().size() + " bytes, not " + value.length);
            }
            byte[] init = m.initialValue();
            System.arraycopy(value, 0, init, v.get().offset(), value.length);
            List<MapSpec> updated = new java.util.ArrayList<>(maps);
            updated.set(i, new MapSpec(m.name(), m.kind(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(), m.readOnly(),
                    m.frozen(), init, m.section(), m.initialSlots(), m.variables(), m.dataRelocations()));
            return new BpfObject(name, license, updated, programs);
        }
        throw new ElfException("object '" + name + "' has no global variable '" + variable + "'");
    }

    /** {@link #withGlobal(String, byte[])} for an integer variable of 1, 2, 4 or 8 bytes. */
    public BpfObject withGlobal(String variable, long value) {
        int size = maps.stream().flatMap(m -> m.variable(variable).stream()).mapToInt(GlobalVariable::size).findFirst()
                .orElseThrow(() -> new ElfException("object '" + name + "' has no global variable '" + variable + "'"));
        if (size != 1 && size != 2 && size != 4 && size != 8) throw new ElfException("global variable '" + variable + "' is " + size + " bytes, not an integer");
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) b[k] = (byte) (value >>> (8 * k));
        return withGlobal(variable, b);
    }

    /** The index of the named map: the {@code imm} that refers to it. */
    public OptionalInt mapIndex(String mapName) {
        for (int i = 0; i < maps.size(); i++) if (maps.get(i).name().equals(mapName)) return OptionalInt.of(i);
        return OptionalInt.empty();
    }
}
