package dev.kbpf.runtime;

import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.maps.BpfMap;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.verifier.DestructivePolicy;
import dev.kbpf.verifier.MapInfo;
import dev.kbpf.verifier.ResolvedKfunc;
import dev.kbpf.verifier.VerifierEnv;
import java.util.List;
import java.util.Optional;

/** The world as the verifier sees it during one load: the runtime's helper table, kfunc registry, maps and sysctls. */
final class RuntimeVerifierEnv implements VerifierEnv {
    private final BpfRuntime runtime;
    private final KfuncRegistry registry;
    private final List<Integer> fdArray;
    private final boolean gpl;

    RuntimeVerifierEnv(BpfRuntime runtime, KfuncRegistry registry, List<Integer> fdArray, String license) {
        this.runtime = runtime;
        this.registry = registry;
        this.fdArray = fdArray;
        this.gpl = dev.kbpf.elf.Licenses.isGplCompatible(license);
    }

    @Override
    public Optional<HelperDescriptor> helper(int id) {
        return runtime.helperTable().byId(id).map(HelperTable.Entry::descriptor);
    }

    @Override
    public boolean kfuncRegistryPresent() { return registry != null; }

    @Override
    public Optional<ResolvedKfunc> kfunc(int id) {
        if (registry == null) return Optional.empty();
        return registry.byId(id).map(k -> new ResolvedKfunc(k.id(), k.descriptor()));
    }

    @Override
    public Optional<MapInfo> map(int pseudo, int imm) {
        Integer mapId = switch (pseudo) {
            case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_VALUE -> imm;
            case Opcodes.PSEUDO_MAP_IDX, Opcodes.PSEUDO_MAP_IDX_VALUE -> imm >= 0 && imm < fdArray.size() ? fdArray.get(imm) : null;
            default -> null;
        };
        if (mapId == null) return Optional.empty();
        MapMemory.Bound b = runtime.mapMemory().byMapId(mapId);
        if (b == null) return Optional.empty();
        return Optional.of(info(b.map(), runtime.isFrozen(mapId)));
    }

    static MapInfo info(BpfMap m, boolean frozen) {
        boolean readOnly = (m.mapFlags() & MapFlags.BPF_F_RDONLY_PROG) != 0;
        byte[] frozenValue = frozen && readOnly && m.type() == MapType.ARRAY && m.maxEntries() == 1 ? m.lookup(new byte[4]) : null;
        return new MapInfo(m.id(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.name(), readOnly, frozenValue);
    }

    @Override
    public boolean destructiveBpfEnabled() { return runtime.destructiveBpfEnabled(); }

    @Override
    public DestructivePolicy destructivePolicy() { return runtime.destructivePolicy(); }

    @Override
    public boolean gplCompatible() { return gpl; }

    @Override
    public boolean unprivilegedBpfDisabled() { return runtime.unprivilegedBpfDisabled(); }
}
