package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlSetting;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code bpf:ids}: the live program, map and link ids, tracepoint, kfunc and sysctl names, as a list — for gosh
 * completion ({@code complete ... -a '(bpf:ids prog)'}) and for loops in scripts
 * ({@code each (bpf:ids prog) { bpf:prog show $it }}).
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=ids"})
public class IdsCommand {

    @Reference
    private Bpf bpf;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile KfuncRegistry kfuncs;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SysctlRegistry sysctls;

    /** For Declarative Services. */
    public IdsCommand() {}

    IdsCommand(Bpf bpf) { this(bpf, null, null); }

    IdsCommand(Bpf bpf, KfuncRegistry kfuncs, SysctlRegistry sysctls) {
        this.bpf = bpf;
        this.kfuncs = kfuncs;
        this.sysctls = sysctls;
    }

    /** An ArrayList: scripts call its methods ({@code (bpf:ids prog) size}), which Gogo cannot on List.of's hidden classes. */
    @Descriptor("The live ids of one kind, as a list (for completion and scripts)")
    public List<String> ids(@Descriptor("prog | map | link | tracepoint | kfunc | sysctl") String kind) {
        KfuncRegistry k = kfuncs;
        SysctlRegistry s = sysctls;
        try {
            return new java.util.ArrayList<>(switch (kind.toLowerCase(java.util.Locale.ROOT)) {
                case "prog", "progs", "program" -> bpf.progList().stream().map(ProgInfo::id).map(String::valueOf).toList();
                case "map", "maps" -> bpf.mapList().stream().map(MapInfo::id).map(String::valueOf).toList();
                case "link", "links" -> bpf.linkList().stream().map(LinkInfo::id).map(String::valueOf).toList();
                case "tracepoint", "tracepoints", "tp" -> bpf.tracepoints().stream().map(Tracepoint::fullName).sorted().toList();
                // absent registries have no names: completion offers nothing rather than failing
                case "kfunc", "kfuncs" -> k == null ? List.of() : k.all().stream().map(RegisteredKfunc::name).sorted().toList();
                case "sysctl", "sysctls" -> s == null ? List.of() : s.list().stream().map(SysctlSetting::name).toList();
                default -> throw new CommandException("ids of what? prog, map, link, tracepoint, kfunc or sysctl, not '" + kind + "'");
            });
        } catch (dev.kbpf.api.BpfException e) {
            throw CommandException.of(e);
        }
    }
}
