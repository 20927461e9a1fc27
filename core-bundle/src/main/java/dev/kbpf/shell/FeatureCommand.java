package dev.kbpf.shell;

import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.HelperTable;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.sysctl.StandardSysctls;
import dev.kbpf.sysctl.SysctlRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code bpf:feature}: what this system offers right now, as {@code bpftool feature probe} tells
 * it: program and map types, the helpers and kfuncs each program type may call (which change as
 * bundles come and go), and whether the JIT is on.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=feature"})
public class FeatureCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HelperTable helpers;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile KfuncRegistry kfuncs;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SysctlRegistry sysctls;

    /** For Declarative Services. */
    public FeatureCommand() {}

    FeatureCommand(HelperTable helpers, KfuncRegistry kfuncs, SysctlRegistry sysctls) {
        this.helpers = helpers;
        this.kfuncs = kfuncs;
        this.sysctls = sysctls;
    }

    /** A program type, and what a program of it may call now. */
    public record ProgTypeView(String name, int linuxId, boolean tracing, List<String> helpers, List<String> kfuncs) {}

    /** A map type with its Linux number. */
    public record MapTypeView(String name, int linuxId) {}

    /**
     * The system's features. {@code jitEnabled} is null when the sysctl registry is absent;
     * {@code helperTable} and {@code kfuncRegistry} say whether those services are present.
     */
    public record FeatureView(Boolean jitEnabled, boolean helperTable, boolean kfuncRegistry, List<ProgTypeView> progTypes,
                              List<MapTypeView> mapTypes) {}

    @Descriptor("What this system offers: program types, map types, the helpers and kfuncs per program type, JIT on or off")
    public String feature(
            @Descriptor("print JSON instead of text") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        return Commands.run(json, () -> Output.render(json, probe(), FeatureCommand::text));
    }

    FeatureView probe() {
        HelperTable h = helpers;
        KfuncRegistry k = kfuncs;
        SysctlRegistry s = sysctls;
        List<RegisteredKfunc> allKfuncs = k == null ? List.of() : k.all();
        List<ProgTypeView> types = new ArrayList<>();
        for (ProgType t : ProgType.values()) {
            List<String> hs = h == null ? List.of() : h.helpers(t).stream().map(HelperDescriptor::funcName).toList();
            List<String> ks = allKfuncs.stream().filter(x -> x.descriptor().progTypes().contains(t)).map(RegisteredKfunc::name).sorted().toList();
            types.add(new ProgTypeView(t.name().toLowerCase(Locale.ROOT), t.linuxId(), t.isTracing(), hs, ks));
        }
        List<MapTypeView> maps = Arrays.stream(MapType.values()).map(m -> new MapTypeView(m.name().toLowerCase(Locale.ROOT), m.linuxId())).toList();
        Boolean jit = s == null ? null : s.get(StandardSysctls.BPF_JIT_ENABLE) != 0;
        return new FeatureView(jit, h != null, k != null, types, maps);
    }

    static String text(FeatureView f) {
        StringBuilder sb = new StringBuilder();
        sb.append("JIT compiler: ").append(f.jitEnabled() == null ? "unknown (no sysctl registry)"
                : f.jitEnabled() ? "on (net.core.bpf_jit_enable = 1)" : "off (net.core.bpf_jit_enable = 0)").append('\n');
        sb.append("helper table: ").append(f.helperTable() ? "present" : "not present").append('\n');
        sb.append("kfunc registry: ").append(f.kfuncRegistry() ? "present" : "not present (no kfunc resolves)").append("\n\n");
        TextTable t = TextTable.of("PROGRAM TYPE", "ID", "TRACING", "HELPERS", "KFUNCS");
        for (ProgTypeView p : f.progTypes()) t.row(p.name(), p.linuxId(), p.tracing() ? "yes" : "no", p.helpers().size(), p.kfuncs().size());
        sb.append(t).append('\n');
        sb.append("map types:");
        for (MapTypeView m : f.mapTypes()) sb.append(' ').append(m.name()).append('(').append(m.linuxId()).append(')');
        sb.append("\n");
        for (ProgTypeView p : f.progTypes()) {
            if (p.helpers().isEmpty() && p.kfuncs().isEmpty()) continue;
            sb.append("\nfor program type ").append(p.name()).append(":\n");
            for (String x : p.helpers()) sb.append("\t- ").append(x).append('\n');
            for (String x : p.kfuncs()) sb.append("\t- ").append(x).append(" (kfunc)\n");
        }
        return sb.toString();
    }
}
