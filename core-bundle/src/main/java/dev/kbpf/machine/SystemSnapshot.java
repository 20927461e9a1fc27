package dev.kbpf.machine;

import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.ProgramSnapshot;
import java.util.List;

/**
 * What the rest of the system holds at the moment of a crash, for the dump: implemented by the
 * runtime (programs, maps, links) and the OSGi layer (bundles). Each part is asked for
 * separately, so one that fails does not cost the others.
 */
public interface SystemSnapshot {

    List<ProgramSnapshot> programs();

    /** Every map, each with at most {@code maxEntriesPerMap} entries. */
    List<MapSnapshot> maps(int maxEntriesPerMap);

    List<LinkSnapshot> links();

    List<BundleSnapshot> bundles();

    /** Nothing loaded, no bundles: a machine with no runtime wired yet. */
    static SystemSnapshot empty() {
        return new SystemSnapshot() {
            @Override public List<ProgramSnapshot> programs() { return List.of(); }
            @Override public List<MapSnapshot> maps(int maxEntriesPerMap) { return List.of(); }
            @Override public List<LinkSnapshot> links() { return List.of(); }
            @Override public List<BundleSnapshot> bundles() { return List.of(); }
        };
    }
}
