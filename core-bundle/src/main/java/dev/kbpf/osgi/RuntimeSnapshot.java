package dev.kbpf.osgi;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.machine.SystemSnapshot;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.ProgramSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** What a crash dump records of the system: the runtime's programs, maps and links, and the framework's bundles. */
final class RuntimeSnapshot implements SystemSnapshot {
    private final BpfRuntime runtime;
    private final BundleContext context;

    RuntimeSnapshot(BpfRuntime runtime, BundleContext context) {
        this.runtime = runtime;
        this.context = context;
    }

    @Override
    public List<ProgramSnapshot> programs() {
        List<ProgramSnapshot> out = new ArrayList<>();
        Disassembler dis = new Disassembler();
        for (ProgInfo p : runtime.progList()) {
            try {
                List<Insn> insns = runtime.progXlated(p.id());
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < insns.size(); i++) {
                    boolean second = i > 0 && insns.get(i - 1).isWide();
                    lines.add(second ? "" : dis.format(insns.get(i), i + 1 < insns.size() ? insns.get(i + 1) : null));
                }
                out.add(new ProgramSnapshot(p.id(), p.name(), p.tag(), p.type(), p.jited(), insns, lines));
            } catch (BpfException gone) {
                // unloaded while the dump was being taken
            }
        }
        return out;
    }

    @Override
    public List<MapSnapshot> maps(int maxEntriesPerMap) {
        List<MapSnapshot> out = new ArrayList<>();
        for (MapInfo m : runtime.mapList()) {
            List<MapSnapshot.Entry> entries = new ArrayList<>();
            long count = 0;
            if (m.type() != MapType.RINGBUF && m.type() != MapType.PERF_EVENT_ARRAY && m.type() != MapType.PROG_ARRAY) {
                try {
                    Optional<byte[]> key = runtime.mapGetNextKey(m.id(), null);
                    while (key.isPresent() && count < 1_000_000) {
                        count++;
                        if (entries.size() < maxEntriesPerMap) {
                            byte[] k = key.get();
                            runtime.mapLookup(m.id(), k).ifPresent(v -> entries.add(new MapSnapshot.Entry(k, v)));
                        }
                        key = runtime.mapGetNextKey(m.id(), key.get());
                    }
                } catch (BpfException gone) {
                    // deleted while the dump was being taken
                }
            }
            out.add(new MapSnapshot(m.id(), m.name(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), count, entries));
        }
        return out;
    }

    @Override
    public List<LinkSnapshot> links() {
        List<LinkSnapshot> out = new ArrayList<>();
        for (LinkInfo l : runtime.linkList()) out.add(new LinkSnapshot(l.id(), "tracepoint", l.progId(), l.target()));
        return out;
    }

    @Override
    public List<BundleSnapshot> bundles() {
        List<BundleSnapshot> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            out.add(new BundleSnapshot(b.getBundleId(), String.valueOf(b.getSymbolicName()), b.getVersion().toString(), state(b.getState())));
        }
        return out;
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
