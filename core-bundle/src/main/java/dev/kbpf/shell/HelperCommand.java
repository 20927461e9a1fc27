package dev.kbpf.shell;

import dev.kbpf.api.ProgType;
import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.HelperTable;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code bpf:helpers}: the stable helpers bound right now, by Linux UAPI id, with their prototypes. */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=helpers"})
public class HelperCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HelperTable table;

    /** For Declarative Services. */
    public HelperCommand() {}

    HelperCommand(HelperTable table) { this.table = table; }

    /** A helper: id, name, prototype in the kernel's vocabulary, who may call it. */
    public record HelperView(int id, String name, String ret, List<String> args, List<String> progTypes, boolean gplOnly) {

        static HelperView of(HelperDescriptor h) {
            return new HelperView(h.id(), h.funcName(), h.proto().ret().name(), HelperCommand.args(h.proto()),
                    h.progTypes().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).sorted().toList(), h.gplOnly());
        }
    }

    static List<String> args(FunctionProto p) { return p.args().stream().map(ArgType::name).toList(); }

    /** {@code RET_INTEGER bpf_map_lookup_elem(ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY)}: the kernel's names for the types. */
    static String signature(String name, String ret, List<String> args) {
        return "RET_" + ret + " " + name + "(" + String.join(", ", args.stream().map(a -> "ARG_" + a).toList()) + ")";
    }

    @Descriptor("Helpers: the stable functions programs call by Linux UAPI id, with prototypes, the program types that may"
            + " call them and whether they need a GPL-compatible license. They come from helper bundles (dev.kbpf.helpers.tracing).")
    public String helpers(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("only the helpers a program of this type may call (tracepoint, kprobe, xdp, ...)")
            @Parameter(names = {"-t", "--type"}, absentValue = "") String type) {
        return Commands.run(json, () -> {
            HelperTable t = Commands.require(table, "the helper table");
            List<HelperDescriptor> hs = type.isBlank() ? t.helpers() : t.helpers(ProgType.parse(type));
            List<HelperView> views = hs.stream().sorted(Comparator.comparingInt(HelperDescriptor::id)).map(HelperView::of).toList();
            return Output.render(json, views, HelperCommand::text);
        });
    }

    static String text(List<HelperView> hs) {
        if (hs.isEmpty()) return "no helpers bound (is dev.kbpf.helpers.tracing started?)\n";
        TextTable t = TextTable.of("ID", "NAME", "GPL", "PROTOTYPE", "PROGRAM TYPES");
        for (HelperView h : hs) t.row(h.id(), h.name(), h.gplOnly() ? "gpl" : "-", signature(h.name(), h.ret(), h.args()),
                h.progTypes().isEmpty() ? "-" : String.join(",", h.progTypes()));
        return t.toString();
    }
}
