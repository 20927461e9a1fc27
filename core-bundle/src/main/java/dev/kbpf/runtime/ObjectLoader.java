package dev.kbpf.runtime;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.elf.BpfObject;
import dev.kbpf.elf.DataRelocation;
import dev.kbpf.elf.ElfException;
import dev.kbpf.elf.ElfLoader;
import dev.kbpf.elf.MapKind;
import dev.kbpf.elf.MapSlot;
import dev.kbpf.elf.MapSpec;
import dev.kbpf.elf.ProgramSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an object file as {@code bpftool prog loadall} and libbpf's {@code bpf_object__load} do:
 * creates its maps (global data filled and {@code .rodata} frozen), loads its programs with the
 * maps in their {@code fd_array} and their kfunc names resolved, and fills declared program
 * arrays. All or nothing: a failure frees what was created and rethrows with the verifier log.
 */
final class ObjectLoader {
    private final BpfRuntime runtime;

    ObjectLoader(BpfRuntime runtime) {
        this.runtime = runtime;
    }

    LoadedObject load(ObjLoadAttr attr) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(attr.file());
        } catch (NoSuchFileException e) {
            throw new BpfException(Errno.ENOENT, "no such file: " + attr.file());
        } catch (IOException e) {
            throw new BpfException(Errno.EINVAL, "cannot read " + attr.file() + ": " + e.getMessage());
        }
        String objName = attr.file().getFileName().toString().replaceFirst("\\.o$", "");
        BpfObject obj;
        try {
            obj = ElfLoader.load(bytes, objName);
        } catch (ElfException e) {
            throw new BpfException(Errno.EINVAL, attr.file().getFileName() + ": " + e.getMessage());
        }
        List<ProgramSpec> selected = attr.program().map(name -> List.of(obj.program(name)
                .or(() -> obj.programs().stream().filter(p -> p.section().equals(name)).findFirst())
                .orElseThrow(() -> new BpfException(Errno.ENOENT, "no program or section '" + name + "' in " + attr.file().getFileName()
                        + " (it has " + obj.programs().stream().map(ProgramSpec::name).toList() + ")")))).orElse(obj.programs());

        List<MapInfo> maps = new ArrayList<>();
        List<ProgInfo> progs = new ArrayList<>();
        try {
            for (MapSpec spec : obj.maps()) maps.add(createMap(spec));
            List<Integer> fdArray = maps.stream().map(MapInfo::id).toList();
            applyDataRelocations(obj, fdArray);
            for (int i = 0; i < obj.maps().size(); i++) if (obj.maps().get(i).frozen()) runtime.freeze(fdArray.get(i));
            Map<String, Integer> progIds = new HashMap<>();
            for (ProgramSpec p : selected) {
                ProgLoadAttr load = new ProgLoadAttr(attr.type().orElse(p.type()), p.insns(), obj.license(), p.name(), attr.flags(),
                        attr.logLevel(), attr.credentials(), fdArray, p.kfuncs(), p.sourceLines(), p.attachTarget().orElse(""));
                ProgInfo info = runtime.progLoad(load);
                progs.add(info);
                progIds.put(p.name(), info.id());
            }
            fillProgramArrays(obj, fdArray, progIds);
            return new LoadedObject(obj.name(), maps.stream().map(m -> runtime.mapShow(m.id())).toList(), progs);
        } catch (RuntimeException e) {
            for (ProgInfo p : progs) runtime.progUnload(p.id());
            for (MapInfo m : maps) runtime.mapDelete(m.id());
            throw e;
        }
    }

    private MapInfo createMap(MapSpec spec) {
        MapAttr attr = new MapAttr(spec.type(), spec.keySize(), spec.valueSize(), spec.maxEntries(), spec.flags(), spec.name());
        if (spec.kind() == MapKind.GLOBAL_DATA) return runtime.mapCreateGlobalData(attr, spec.initialValue(), false);
        return runtime.mapCreate(attr);
    }

    /** Pointers the compiler stored in global data become the addresses where their targets now live. */
    private void applyDataRelocations(BpfObject obj, List<Integer> mapIds) {
        for (int i = 0; i < obj.maps().size(); i++) {
            MapSpec spec = obj.maps().get(i);
            if (spec.dataRelocations().isEmpty()) continue;
            int mapId = mapIds.get(i);
            byte[] value = runtime.mapLookup(mapId, new byte[4]).orElseThrow();
            ByteBuffer buf = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            for (DataRelocation r : spec.dataRelocations()) {
                long address = runtime.mapMemory().byMapId(mapIds.get(r.targetMap())).valueAddress(0, (int) r.targetOffset());
                if (r.width() == 8) buf.putLong(r.offset(), address);
                else buf.putInt(r.offset(), (int) address);
            }
            runtime.mapUpdate(mapId, new byte[4], value, 0);
        }
    }

    private void fillProgramArrays(BpfObject obj, List<Integer> mapIds, Map<String, Integer> progIds) {
        for (int i = 0; i < obj.maps().size(); i++) {
            MapSpec spec = obj.maps().get(i);
            if (spec.type() != MapType.PROG_ARRAY) continue;
            for (MapSlot slot : spec.initialSlots()) {
                Integer prog = progIds.get(slot.target());
                if (prog == null) continue; // not loaded in this selection
                byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(slot.index()).array();
                byte[] value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(prog).array();
                runtime.mapUpdate(mapIds.get(i), key, value, 0);
            }
        }
    }
}
