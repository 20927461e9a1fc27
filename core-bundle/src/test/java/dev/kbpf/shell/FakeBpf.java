package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Capability;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TestRunResult;
import dev.kbpf.api.TracePipe;
import dev.kbpf.api.TraceRecord;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.isa.Insn;
import dev.kbpf.tracepoint.TracepointDefinition;
import dev.kbpf.tracepoint.TracepointProbe;
import dev.kbpf.tracepoint.TracepointRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link Bpf} for the command tests: maps with Linux's update semantics, programs
 * "loaded" from object files that exist, links on real {@link TracepointDefinition}s, a trace pipe.
 * It records what the commands asked for, so tests can check options reached the service.
 */
final class FakeBpf implements Bpf {

    /** What a test wants an object load to produce: one program per entry, with its instructions. */
    record FakeProg(String name, ProgType type, List<Insn> insns, boolean jited, String jitedText) {}

    final Map<Integer, ProgInfo> progs = new TreeMap<>();
    final Map<Integer, FakeProg> progCode = new TreeMap<>();
    final Map<Integer, MapInfo> maps = new TreeMap<>();
    final Map<Integer, TreeMap<String, byte[]>> mapData = new TreeMap<>();
    final Map<Integer, LinkInfo> links = new TreeMap<>();
    final Map<Integer, TracepointProbe> probes = new TreeMap<>();
    final TracepointRegistry tracepoints = new TracepointRegistry();
    final List<byte[]> fired = new ArrayList<>();
    final LinkedBlockingQueue<TraceRecord> pipe = new LinkedBlockingQueue<>();
    final List<ObjLoadAttr> objLoads = new ArrayList<>();
    final List<FakeProg> nextObject = new ArrayList<>();
    final List<MapAttr> nextObjectMaps = new ArrayList<>();
    int nextId = 1;
    int ncpus = 2;
    BpfException nextLoadFailure;
    TestRunResult nextRun;
    byte[] lastRunCtx;
    int lastRunRepeat;

    int addProg(FakeProg p) {
        int id = nextId++;
        progs.put(id, new ProgInfo(id, p.name(), p.type(), String.format("%016x", (long) p.insns().hashCode() * 2654435761L), p.insns().size(),
                p.jited(), false, Instant.parse("2026-11-25T12:00:00Z"), List.of(), List.of("bpf_map_lookup_elem"), List.of(),
                12_345, p.insns().size(), "", p.jited() ? 456_000 : 0, p.jited() ? 2_345 : 0, p.jited() ? 1_000 : 0, p.jited() ? 8 : 0));
        progCode.put(id, p);
        return id;
    }

    @Override
    public ProgInfo progLoad(ProgLoadAttr attr) { throw new BpfException(Errno.ENOTSUPP, "the fake loads objects only"); }

    @Override
    public LoadedObject objLoad(ObjLoadAttr attr) {
        objLoads.add(attr);
        if (!Files.exists(attr.file())) throw new BpfException(Errno.ENOENT, "no object file " + attr.file());
        if (nextLoadFailure != null) {
            BpfException e = nextLoadFailure;
            nextLoadFailure = null;
            throw e;
        }
        if (!attr.credentials().has(Capability.CAP_BPF)) throw new BpfException(Errno.EPERM, "loading programs requires CAP_BPF");
        List<MapInfo> ms = new ArrayList<>();
        for (MapAttr m : nextObjectMaps) ms.add(mapCreate(m));
        List<ProgInfo> ps = new ArrayList<>();
        for (FakeProg p : nextObject) {
            FakeProg typed = attr.type().map(t -> new FakeProg(p.name(), t, p.insns(), p.jited(), p.jitedText())).orElse(p);
            int id = addProg(typed);
            ProgInfo info = progs.get(id);
            if (attr.logLevel() > 0) {
                info = new ProgInfo(info.id(), info.name(), info.type(), info.tag(), info.insnCount(), info.jited(), info.destructive(),
                        info.loadedAt(), ms.stream().map(MapInfo::id).toList(), info.helpers(), info.kfuncs(), info.verificationNanos(),
                        info.processedInsns(), "processed " + info.insnCount() + " insns (limit 1000000)");
                progs.put(id, info);
            }
            ps.add(info);
        }
        String name = attr.file().getFileName().toString().replaceFirst("\\.o$", "");
        return new LoadedObject(name, ms, ps);
    }

    @Override
    public void progUnload(int progId) {
        if (progs.remove(progId) == null) throw new BpfException(Errno.ENOENT, "no program " + progId);
        links.values().removeIf(l -> l.progId() == progId);
    }

    @Override
    public ProgInfo progShow(int progId) {
        ProgInfo p = progs.get(progId);
        if (p == null) throw new BpfException(Errno.ENOENT, "no program " + progId);
        return p;
    }

    @Override
    public List<ProgInfo> progList() { return List.copyOf(progs.values()); }

    @Override
    public TestRunResult progTestRun(int progId, byte[] ctx, int repeat) {
        progShow(progId);
        lastRunCtx = ctx.clone();
        lastRunRepeat = repeat;
        return nextRun != null ? nextRun : new TestRunResult(0, 100, repeat, ctx);
    }

    @Override
    public List<Insn> progXlated(int progId) {
        progShow(progId);
        return progCode.get(progId).insns();
    }

    @Override
    public Optional<String> progJited(int progId) {
        progShow(progId);
        FakeProg p = progCode.get(progId);
        return p.jited() ? Optional.of(p.jitedText()) : Optional.empty();
    }

    // ---- maps ----

    @Override
    public int nrCpus() { return ncpus; }

    @Override
    public MapInfo mapCreate(MapAttr a) {
        if (a.maxEntries() <= 0) throw new BpfException(Errno.EINVAL, "max_entries must be positive");
        if (a.type() != MapType.RINGBUF && (a.keySize() <= 0 || a.valueSize() <= 0))
            throw new BpfException(Errno.EINVAL, "key and value sizes must be positive");
        int id = nextId++;
        MapInfo m = new MapInfo(id, a.name(), a.type(), a.keySize(), a.valueSize(), a.maxEntries(), a.mapFlags(), false);
        maps.put(id, m);
        mapData.put(id, new TreeMap<>());
        return m;
    }

    @Override
    public void mapDelete(int mapId) {
        mapShow(mapId);
        maps.remove(mapId);
        mapData.remove(mapId);
    }

    @Override
    public MapInfo mapShow(int mapId) {
        MapInfo m = maps.get(mapId);
        if (m == null) throw new BpfException(Errno.ENOENT, "no map " + mapId);
        return m;
    }

    @Override
    public List<MapInfo> mapList() { return List.copyOf(maps.values()); }

    private TreeMap<String, byte[]> data(int mapId, byte[] key) {
        MapInfo m = mapShow(mapId);
        if (key != null && key.length != m.keySize()) throw new BpfException(Errno.EINVAL, "key size " + key.length + " != " + m.keySize());
        return mapData.get(mapId);
    }

    @Override
    public Optional<byte[]> mapLookup(int mapId, byte[] key) {
        byte[] v = data(mapId, key).get(HexFormat.of().formatHex(key));
        return Optional.ofNullable(v == null ? null : v.clone());
    }

    @Override
    public void mapUpdate(int mapId, byte[] key, byte[] value, long flags) {
        MapInfo m = mapShow(mapId);
        TreeMap<String, byte[]> d = data(mapId, key);
        int want = MapCommand.perCpu(m.type()) ? ((m.valueSize() + 7) & ~7) * ncpus : m.valueSize();
        if (value.length != want) throw new BpfException(Errno.EINVAL, "value size " + value.length + " != " + want);
        String k = HexFormat.of().formatHex(key);
        if (flags == MapFlags.BPF_NOEXIST && d.containsKey(k)) throw new BpfException(Errno.EEXIST, "key exists");
        if (flags == MapFlags.BPF_EXIST && !d.containsKey(k)) throw new BpfException(Errno.ENOENT, "no such key");
        if (!d.containsKey(k) && d.size() >= m.maxEntries()) throw new BpfException(Errno.E2BIG, "map is full");
        d.put(k, value.clone());
    }

    @Override
    public void mapDeleteElem(int mapId, byte[] key) {
        if (data(mapId, key).remove(HexFormat.of().formatHex(key)) == null) throw new BpfException(Errno.ENOENT, "no such key");
    }

    @Override
    public Optional<byte[]> mapGetNextKey(int mapId, byte[] key) {
        TreeMap<String, byte[]> d = data(mapId, key);
        String next = key == null ? (d.isEmpty() ? null : d.firstKey()) : d.higherKey(HexFormat.of().formatHex(key));
        return Optional.ofNullable(next == null ? null : HexFormat.of().parseHex(next));
    }

    // ---- links and tracepoints ----

    @Override
    public LinkInfo attach(int progId, String tracepoint) {
        ProgInfo p = progShow(progId);
        TracepointDefinition tp = tracepoints.find(tracepoint)
                .orElseThrow(() -> new BpfException(Errno.ENOENT, "no tracepoint " + tracepoint));
        int id = nextId++;
        TracepointProbe probe = (record, length) -> {
            fired.add(java.util.Arrays.copyOf(record, length));
            return 0;
        };
        tp.attach(probe);
        probes.put(id, probe);
        LinkInfo l = new LinkInfo(id, progId, p.name(), tp.fullName());
        links.put(id, l);
        return l;
    }

    @Override
    public void detach(int linkId) {
        LinkInfo l = links.remove(linkId);
        if (l == null) throw new BpfException(Errno.ENOENT, "no link " + linkId);
        tracepoints.find(l.target()).orElseThrow().detach(probes.remove(linkId));
    }

    @Override
    public List<LinkInfo> linkList() { return List.copyOf(links.values()); }

    @Override
    public Tracepoint defineTracepoint(String category, String name, List<TracepointField> fields) {
        return tracepoints.define(category, name, fields);
    }

    @Override
    public Optional<Tracepoint> tracepoint(String name) { return tracepoints.find(name).map(t -> t); }

    @Override
    public List<Tracepoint> tracepoints() { return new ArrayList<>(tracepoints.all()); }

    @Override
    public TracePipe tracePipe() {
        return (max, timeout) -> {
            List<TraceRecord> out = new ArrayList<>();
            try {
                TraceRecord first = pipe.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
                if (first == null) return out;
                out.add(first);
                pipe.drainTo(out, max - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out;
        };
    }
}
