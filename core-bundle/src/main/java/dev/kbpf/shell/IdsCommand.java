package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.Tracepoint;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bpf:ids}: the live program, map and link ids and tracepoint names, as a list — for gosh
 * completion ({@code complete ... -a '(bpf:ids prog)'}) and for loops in scripts
 * ({@code each (bpf:ids prog) { bpf:prog show $it }}).
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=ids"})
public class IdsCommand {

    @Reference
    private Bpf bpf;

    /** For Declarative Services. */
    public IdsCommand() {}

    IdsCommand(Bpf bpf) { this.bpf = bpf; }

    @Descriptor("The live ids of one kind, as a list (for completion and scripts)")
    public List<String> ids(@Descriptor("prog | map | link | tracepoint") String kind) {
        try {
            return switch (kind.toLowerCase(java.util.Locale.ROOT)) {
                case "prog", "progs", "program" -> bpf.progList().stream().map(ProgInfo::id).map(String::valueOf).toList();
                case "map", "maps" -> bpf.mapList().stream().map(MapInfo::id).map(String::valueOf).toList();
                case "link", "links" -> bpf.linkList().stream().map(LinkInfo::id).map(String::valueOf).toList();
                case "tracepoint", "tracepoints", "tp" -> bpf.tracepoints().stream().map(Tracepoint::fullName).sorted().toList();
                default -> throw new CommandException("ids of what? prog, map, link or tracepoint, not '" + kind + "'");
            };
        } catch (dev.kbpf.api.BpfException e) {
            throw CommandException.of(e);
        }
    }
}
