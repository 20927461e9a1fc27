package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code bpf:link}: the links that keep programs attached to tracepoints ({@code bpftool link}). */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=link"})
public class LinkCommand {

    static final String USAGE = "link list   (add --json for JSON; detach with 'prog detach LINK')";

    @Reference
    private Bpf bpf;

    /** For Declarative Services. */
    public LinkCommand() {}

    LinkCommand(Bpf bpf) { this.bpf = bpf; }

    @Descriptor("Links: which program is attached to which tracepoint. Detach one with 'prog detach LINK'.")
    public String link(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("list") String... args) {
        return Commands.run(json, () -> {
            Args a = new Args(args, USAGE);
            String sub = a.hasNext() ? a.nextKeyword("sub-command") : "list";
            if (!sub.equals("list")) throw a.usageError("unknown sub-command '" + sub + "'");
            a.end();
            return Output.render(json, bpf.linkList().stream().map(LinkView::of).toList(), LinkCommand::table);
        });
    }

    static String table(List<LinkView> links) {
        if (links.isEmpty()) return "no links\n";
        TextTable t = TextTable.of("ID", "PROG", "PROG NAME", "TRACEPOINT");
        for (LinkView l : links) t.row(l.id(), l.progId(), l.progName().isEmpty() ? "-" : l.progName(), l.tracepoint());
        return t.toString();
    }
}
