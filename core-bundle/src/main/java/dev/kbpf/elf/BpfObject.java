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

    /** The index of the named map: the {@code imm} that refers to it. */
    public OptionalInt mapIndex(String mapName) {
        for (int i = 0; i < maps.size(); i++) if (maps.get(i).name().equals(mapName)) return OptionalInt.of(i);
        return OptionalInt.empty();
    }
}
