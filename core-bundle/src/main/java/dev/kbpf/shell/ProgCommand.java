package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.LoadedObject;
import dev.kbpf.api.ObjLoadAttr;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TestRunResult;
import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.shell.cfg.ControlFlowGraph;
import dev.kbpf.shell.cfg.DotWriter;
import dev.kbpf.shell.format.Hex;
import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.HelperTable;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.RegisteredKfunc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code bpf:prog}: programs, as {@code bpftool prog} handles them. One Gogo function with the
 * sub-command as its first word; options may stand anywhere on the line.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=prog"})
public class ProgCommand {

    static final String USAGE = "prog list | show ID | load FILE [SECTION] [--type T] [--destructive] [--log LEVEL] [--caps CAP,...]"
            + " [--attach TRACEPOINT] | dump xlated|jited|visual ID | run ID [--ctx HEX] [--repeat N] | unload ID"
            + " | attach ID TRACEPOINT | detach LINK   (add --json for JSON)";

    /** The {@code --caps} value that means "every capability", the shell's default. */
    static final String ALL_CAPS = "all";

    @Reference
    private Bpf bpf;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HelperTable helpers;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile KfuncRegistry kfuncs;

    /** For Declarative Services. */
    public ProgCommand() {}

    ProgCommand(Bpf bpf, HelperTable helpers, KfuncRegistry kfuncs) {
        this.bpf = bpf;
        this.helpers = helpers;
        this.kfuncs = kfuncs;
    }

    // Every option is a String or a flag: with an int parameter Gogo would evaluate all tokens and
    // turn hex bytes like 01 or 2d into numbers before the command sees them (see Hex).
    @Descriptor("Programs: list, show, load an ELF object, dump (xlated, jited, visual), test-run, unload, attach to a"
            + " tracepoint, detach a link. The shell holds every capability, like root running bpftool; --caps loads with fewer.")
    public String prog(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("load: the program type, overriding what the ELF section names say (tracepoint, kprobe, xdp, ...)")
            @Parameter(names = {"--type"}, absentValue = "") String type,
            @Descriptor("load: set BPF_F_DESTRUCTIVE, needed to call destructive kfuncs (bpf_panic, crash_kexec, ...)")
            @Parameter(names = {"--destructive"}, presentValue = "true", absentValue = "false") boolean destructive,
            @Descriptor("load: the verifier log level (1 instructions, 2 states, 4 statistics); the log is printed after the load")
            @Parameter(names = {"--log"}, absentValue = "0") String log,
            @Descriptor("load: load with only these capabilities, comma-separated (CAP_BPF,CAP_PERFMON,CAP_SYS_ADMIN,CAP_SYS_BOOT,"
                    + " CAP_ prefix optional) or 'none'; without it the load holds every capability")
            @Parameter(names = {"--caps"}, absentValue = ALL_CAPS) String caps,
            @Descriptor("load: attach every loaded program to this tracepoint (category:name) right after loading")
            @Parameter(names = {"--attach"}, absentValue = "") String attach,
            @Descriptor("run: the context bytes in hex (01000000 or 0x01000000; more bytes may follow the ID as words)")
            @Parameter(names = {"--ctx"}, absentValue = "") String ctx,
            @Descriptor("run: how many times to run; the duration printed is the mean")
            @Parameter(names = {"--repeat"}, absentValue = "1") String repeat,
            @Descriptor("list | show ID | load FILE [SECTION] | dump xlated|jited|visual ID | run ID | unload ID | attach ID TRACEPOINT | detach LINK")
            String... args) {
        return Commands.run(json, () -> {
            Args a = new Args(args, USAGE);
            String sub = a.hasNext() ? a.nextKeyword("sub-command") : "list";
            return switch (sub) {
                case "list" -> { a.end(); yield list(json); }
                case "show" -> { int id = a.nextId("program id"); a.end(); yield show(id, json); }
                case "load" -> load(a, json, type, destructive, Args.parseInt(log, "--log"), caps, attach);
                case "dump" -> dump(a, json);
                case "run" -> run(a, json, ctx, Args.parseInt(repeat, "--repeat"));
                case "unload" -> { int id = a.nextId("program id"); a.end(); yield unload(id, json); }
                case "attach" -> {
                    int id = a.nextId("program id");
                    String tp = a.next("tracepoint (category:name)");
                    a.end();
                    yield attach(id, tp, json);
                }
                case "detach" -> { int link = a.nextId("link id"); a.end(); yield detach(link, json); }
                default -> throw a.usageError("unknown sub-command '" + sub + "'");
            };
        });
    }

    String list(boolean json) {
        List<ProgView> progs = bpf.progList().stream().map(ProgView::of).toList();
        return Output.render(json, progs, ProgCommand::table);
    }

    static String table(List<ProgView> progs) {
        if (progs.isEmpty()) return "no programs loaded\n";
        TextTable t = TextTable.of("ID", "NAME", "TYPE", "TAG", "INSNS", "JITED", "MAPS", "LOADED AT");
        for (ProgView p : progs)
            t.row(p.id(), p.name().isEmpty() ? "-" : p.name(), p.type(), p.tag(), p.insns(), p.jited() ? "yes" : "no",
                    ProgView.join(p.mapIds()), seconds(p.loadedAt()));
        return t.toString();
    }

    /** The table shows load times to the second; JSON and {@code prog show} keep them whole. */
    static String seconds(String instant) {
        if (instant == null) return null;
        try {
            return java.time.Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return instant;
        }
    }

    String show(int id, boolean json) {
        ProgView p = ProgView.of(bpf.progShow(id));
        return Output.render(json, p, ProgView::detail);
    }

    /** What {@code prog load} made: the programs and maps of the object, links when attached, and verifier logs when asked for. */
    public record LoadView(String object, List<ProgView> programs, List<MapView> maps, List<LinkView> links, List<VerifierLog> verifierLogs) {}

    /** The verifier log of one loaded program. */
    public record VerifierLog(int progId, String log) {}

    String load(Args a, boolean json, String type, boolean destructive, int log, String caps, String attach) {
        Path file = Path.of(a.next("object file"));
        Optional<String> section = a.hasNext() ? Optional.of(a.next("section")) : Optional.empty();
        a.end();
        if (log < 0 || log > 7) throw new CommandException("--log " + log + ": the verifier log level is 0..7 (bits 1, 2 and 4)");
        Optional<ProgType> t = type.isBlank() ? Optional.empty() : Optional.of(ProgType.parse(type));
        int flags = destructive ? LoadFlags.BPF_F_DESTRUCTIVE : 0;
        LoadedObject obj = bpf.objLoad(new ObjLoadAttr(file, section, t, flags, log, credentials(caps)));
        List<LinkView> links = new ArrayList<>();
        if (!attach.isBlank()) {
            for (ProgInfo p : obj.programs()) links.add(LinkView.of(bpf.attach(p.id(), attach)));
        }
        List<VerifierLog> logs = obj.programs().stream().filter(p -> !p.verifierLog().isBlank())
                .map(p -> new VerifierLog(p.id(), p.verifierLog())).toList();
        LoadView view = new LoadView(obj.name(), obj.programs().stream().map(ProgView::of).toList(),
                obj.maps().stream().map(MapView::of).toList(), links, logs);
        return Output.render(json, view, ProgCommand::loadText);
    }

    static String loadText(LoadView v) {
        StringBuilder sb = new StringBuilder();
        sb.append("loaded ").append(v.object()).append(": ").append(count(v.programs().size(), "program"))
                .append(", ").append(count(v.maps().size(), "map")).append('\n');
        if (!v.programs().isEmpty()) sb.append(table(v.programs()));
        if (!v.maps().isEmpty()) sb.append(MapCommand.table(v.maps()));
        for (LinkView l : v.links())
            sb.append("attached program ").append(l.progId()).append(" to ").append(l.tracepoint()).append(": link ").append(l.id()).append('\n');
        for (VerifierLog l : v.verifierLogs())
            sb.append("verifier log of program ").append(l.progId()).append(":\n").append(l.log().strip()).append('\n');
        return sb.toString();
    }

    static String count(int n, String noun) { return n + " " + noun + (n == 1 ? "" : "s"); }

    /** The credentials {@code --caps} asks for: every capability by default, as root running bpftool has. */
    static Credentials credentials(String caps) {
        String c = caps.strip();
        if (c.equalsIgnoreCase(ALL_CAPS)) return Credentials.root();
        if (c.isEmpty() || c.equalsIgnoreCase("none")) return Credentials.none();
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        for (String name : c.split(",")) if (!name.isBlank()) set.add(Capability.parse(name));
        return new Credentials(set);
    }

    // ---- dump ----

    /** One instruction of {@code dump xlated}: its slot, opcode, text and raw bytes. */
    public record XlatedInsn(int index, String opcode, String disasm, String raw) {}

    /** {@code dump jited}: the JIT's code as lines, or none when the interpreter runs the program. */
    public record JitedView(int id, boolean jited, List<String> code) {}

    /** {@code dump visual --json}: the DOT text in a string. */
    public record VisualView(int id, String dot) {}

    String dump(Args a, boolean json) {
        String what = a.nextKeyword("what to dump (xlated, jited or visual)");
        int id = a.nextId("program id");
        a.end();
        return switch (what) {
            case "xlated" -> {
                List<Insn> insns = bpf.progXlated(id);
                yield Output.render(json, xlated(insns), ProgCommand::xlatedText);
            }
            case "jited" -> {
                Optional<String> code = bpf.progJited(id);
                JitedView v = new JitedView(id, code.isPresent(), code.map(s -> s.lines().toList()).orElse(List.of()));
                yield Output.render(json, v, x -> x.jited() ? String.join("\n", x.code()) + "\n"
                        : "no instructions returned: program " + x.id() + " runs in the interpreter (net.core.bpf_jit_enable)\n");
            }
            case "visual" -> {
                List<Insn> insns = bpf.progXlated(id);
                String dot = DotWriter.write(ControlFlowGraph.of(insns), insns, disassembler());
                yield Output.render(json, new VisualView(id, dot), VisualView::dot);
            }
            default -> throw a.usageError("cannot dump '" + what + "': xlated, jited or visual");
        };
    }

    List<XlatedInsn> xlated(List<Insn> insns) {
        Disassembler dis = disassembler();
        List<XlatedInsn> out = new ArrayList<>();
        byte[] raw = new byte[8];
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            Insn next = i + 1 < insns.size() ? insns.get(i + 1) : null;
            in.encode(raw, 0);
            String bytes = Hex.spaced(raw);
            if (in.isWide() && next != null) {
                next.encode(raw, 0);
                bytes += " " + Hex.spaced(raw);
            }
            out.add(new XlatedInsn(i, String.format(Locale.ROOT, "0x%02x", in.opcode()), dis.format(in, next), bytes));
            if (in.isWide()) i++;
        }
        return out;
    }

    /** As bpftool prints {@code prog dump xlated}: {@code    0: (b7) r0 = 0}. */
    static String xlatedText(List<XlatedInsn> insns) {
        StringBuilder sb = new StringBuilder();
        for (XlatedInsn x : insns)
            sb.append(String.format(Locale.ROOT, "%4d: (%s) %s%n", x.index(), x.opcode().substring(2), x.disasm()));
        return sb.toString();
    }

    /** Call names from the helper table and the kfunc registry, when they are present. */
    Disassembler disassembler() {
        HelperTable h = helpers;
        KfuncRegistry k = kfuncs;
        return new Disassembler(Disassembler.Names.of(
                id -> h == null ? null : h.byId(id).map(HelperDescriptor::funcName).orElse(null),
                id -> k == null ? null : k.byId(id).map(RegisteredKfunc::name).orElse(null)));
    }

    // ---- run, unload, attach, detach ----

    /** {@code BPF_PROG_TEST_RUN}'s answer: r0, the mean duration and the context as the program left it. */
    public record RunView(int id, long retval, String retvalHex, long durationNs, int repeat, String ctxOut) {}

    String run(Args a, boolean json, String ctx, int repeat) {
        int id = a.nextId("program id");
        List<String> words = new ArrayList<>();
        if (!ctx.isBlank()) words.add(ctx);
        words.addAll(a.rest());
        if (repeat < 1) throw new CommandException("--repeat " + repeat + ": run at least once");
        byte[] in = Hex.parse(words);
        TestRunResult r = bpf.progTestRun(id, in, repeat);
        RunView v = new RunView(id, r.retval(), "0x" + Long.toHexString(r.retval()), r.durationNanos(), r.repeat(),
                r.ctxOut() == null ? "" : Hex.plain(r.ctxOut()));
        return Output.render(json, v, x -> {
            StringBuilder sb = new StringBuilder();
            ProgView.field(sb, "retval", x.retval() + " (" + x.retvalHex() + ")");
            ProgView.field(sb, "duration", x.durationNs() + " ns (mean of " + count(x.repeat(), "run") + ")");
            if (!x.ctxOut().isEmpty()) ProgView.field(sb, "ctx_out", Hex.spaced(Hex.parse(x.ctxOut())));
            return sb.toString();
        });
    }

    /** What unload, attach and detach did, for scripts. */
    public record Done(String action, int id) {}

    String unload(int id, boolean json) {
        bpf.progUnload(id);
        return Output.render(json, new Done("unloaded", id), d -> "unloaded program " + d.id() + "\n");
    }

    String attach(int id, String tracepoint, boolean json) {
        LinkInfo l = bpf.attach(id, tracepoint);
        return Output.render(json, LinkView.of(l),
                v -> "attached program " + v.progId() + " to " + v.tracepoint() + ": link " + v.id() + "\n");
    }

    String detach(int link, boolean json) {
        bpf.detach(link);
        return Output.render(json, new Done("detached", link), d -> "detached link " + d.id() + "\n");
    }
}
