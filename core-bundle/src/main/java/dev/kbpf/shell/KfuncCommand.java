package dev.kbpf.shell;

import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code bpf:kfuncs} and {@code bpf:kfunc users NAME}: the removable kfunc registry — which kfuncs
 * exist now, and which loaded programs would be unloaded if a kfunc's provider went away.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=kfuncs",
        "osgi.command.function=kfunc"})
public class KfuncCommand {

    static final String ABSENT = "the kfunc registry (bundle dev.kbpf.kfunc) is not present: no kfunc resolves";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile KfuncRegistry registry;

    /** For Declarative Services. */
    public KfuncCommand() {}

    KfuncCommand(KfuncRegistry registry) { this.registry = registry; }

    /** A registered kfunc: its registry id, name, set and providing bundle, flags, program types and prototype. */
    public record KfuncView(int id, String name, String set, String provider, List<String> flags, List<String> progTypes,
                            String ret, List<String> args) {

        static KfuncView of(RegisteredKfunc k) {
            return new KfuncView(k.id(), k.name(), k.setName(), k.providerBundle(),
                    k.descriptor().flags().stream().map(Enum::name).sorted().toList(),
                    k.descriptor().progTypes().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                    k.descriptor().proto().ret().name(), HelperCommand.args(k.descriptor().proto()));
        }
    }

    /** {@code kfuncs}: whether the registry is there and what it holds. */
    public record KfuncsView(boolean registry, List<KfuncView> kfuncs) {}

    @Descriptor("Kfuncs: the unstable kernel functions in the removable registry, with ids, flags (KF_DESTRUCTIVE, ...),"
            + " program types and the bundle that provides them")
    public String kfuncs(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        return Commands.run(json, () -> {
            KfuncRegistry r = registry;
            KfuncsView v = r == null ? new KfuncsView(false, List.of())
                    : new KfuncsView(true, r.all().stream().sorted(Comparator.comparing(RegisteredKfunc::name)).map(KfuncView::of).toList());
            return Output.render(json, v, KfuncCommand::text);
        });
    }

    static String text(KfuncsView v) {
        if (!v.registry()) return ABSENT + "\n";
        if (v.kfuncs().isEmpty()) return "no kfuncs registered\n";
        TextTable t = TextTable.of("ID", "NAME", "FLAGS", "PROGRAM TYPES", "PROVIDER", "PROTOTYPE");
        for (KfuncView k : v.kfuncs())
            t.row(k.id(), k.name(), k.flags().isEmpty() ? "-" : String.join(",", k.flags()),
                    k.progTypes().isEmpty() ? "-" : String.join(",", k.progTypes()), k.provider(), HelperCommand.signature(k.name(), k.ret(), k.args()));
        return t.toString();
    }

    /** {@code kfunc users NAME}: the programs that call the kfunc. */
    public record UsersView(String kfunc, List<ProgRef> programs) {}

    @Descriptor("kfunc users NAME: the loaded programs that call kfunc NAME, which would be detached and unloaded if its"
            + " provider bundle went away")
    public String kfunc(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("users NAME") String... args) {
        return Commands.run(json, () -> {
            Args a = new Args(args, "kfunc users NAME   (add --json for JSON)");
            String sub = a.nextKeyword("sub-command");
            if (!sub.equals("users")) throw a.usageError("unknown sub-command '" + sub + "'");
            String name = a.next("kfunc name");
            a.end();
            KfuncRegistry r = Commands.require(registry, "the kfunc registry (bundle dev.kbpf.kfunc)");
            UsersView v = new UsersView(name, r.users(name));
            return Output.render(json, v, x -> {
                if (x.programs().isEmpty()) return "no loaded program calls " + x.kfunc() + "\n";
                TextTable t = TextTable.of("PROG", "NAME", "TAG");
                for (ProgRef p : x.programs()) t.row(p.id(), p.name().isEmpty() ? "-" : p.name(), p.tag());
                return t.toString();
            });
        });
    }
}
