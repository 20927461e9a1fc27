package dev.kbpf.api;

import java.util.List;

/**
 * What loading a BPF object created: its maps (in the object's order) and its programs (in section
 * order). A load is all or nothing: when one program is rejected, the maps and programs already
 * created for the object are freed again and the {@link BpfException} carries that program's log.
 *
 * @param name the object's name: its file name without {@code .o}
 */
public record LoadedObject(String name, List<MapInfo> maps, List<ProgInfo> programs) {

    public LoadedObject {
        maps = List.copyOf(maps);
        programs = List.copyOf(programs);
    }
}
