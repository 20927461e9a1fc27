package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LinkInfo;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bpf:tracepoint}: the tracepoints programs attach to — list them, show a record layout as
 * Linux's {@code events/CAT/NAME/format} file does, and fire one by hand with field values.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=tracepoint"})
public class TracepointCommand {

    static final String USAGE = "tracepoint list | format NAME | fire NAME [FIELD=VALUE ...]   (NAME is category:name; add --json for JSON)";

    @Reference
    private Bpf bpf;

    /** For Declarative Services. */
    public TracepointCommand() {}

    TracepointCommand(Bpf bpf) { this.bpf = bpf; }

    @Descriptor("Tracepoints: list them, show a record's format, fire one by hand. Fields not given in 'fire' are 0 or empty;"
            + " integers are decimal or 0x hex, char[] fields take text.")
    public String tracepoint(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("list | format NAME | fire NAME FIELD=VALUE ...") String... args) {
        return Commands.run(json, () -> {
            Args a = new Args(args, USAGE);
            String sub = a.hasNext() ? a.nextKeyword("sub-command") : "list";
            return switch (sub) {
                case "list" -> { a.end(); yield list(json); }
                case "format" -> { String name = a.next("tracepoint name"); a.end(); yield format(find(name), json); }
                case "fire" -> fire(find(a.next("tracepoint name")), a.rest(), json);
                default -> throw a.usageError("unknown sub-command '" + sub + "'");
            };
        });
    }

    Tracepoint find(String name) {
        return bpf.tracepoint(name).orElseThrow(() -> new BpfException(Errno.ENOENT, "no tracepoint '" + name
                + "': 'tracepoint list' shows them, written category:name"));
    }

    /** A tracepoint in {@code tracepoint list}: its name, record size, fields and attached programs. */
    public record TracepointView(String name, String category, int recordSize, int fields, int attached) {}

    String list(boolean json) {
        Map<String, Integer> attached = attachedCounts();
        List<TracepointView> tps = bpf.tracepoints().stream()
                .map(t -> new TracepointView(t.fullName(), t.category(), t.recordSize(), t.fields().size(), attached.getOrDefault(t.fullName(), 0)))
                .sorted(java.util.Comparator.comparing(TracepointView::name)).toList();
        return Output.render(json, tps, l -> {
            if (l.isEmpty()) return "no tracepoints\n";
            TextTable t = TextTable.of("TRACEPOINT", "RECORD", "FIELDS", "ATTACHED");
            for (TracepointView v : l) t.row(v.name(), v.recordSize() + "B", v.fields(), v.attached());
            return t.toString();
        });
    }

    private Map<String, Integer> attachedCounts() {
        Map<String, Integer> out = new HashMap<>();
        for (LinkInfo l : bpf.linkList()) out.merge(l.target(), 1, Integer::sum);
        return out;
    }

    /** {@code tracepoint format}: the layout, and the text of Linux's format file. */
    public record FormatView(String name, int recordSize, List<TracepointField> fields, String format) {}

    String format(Tracepoint tp, boolean json) {
        return Output.render(json, new FormatView(tp.fullName(), tp.recordSize(), tp.fields(), tp.format()),
                v -> v.format().endsWith("\n") ? v.format() : v.format() + "\n");
    }

    /** What {@code tracepoint fire} did: the values it fired with and how many programs ran. */
    public record FireView(String name, Map<String, Object> values, int programs) {}

    String fire(Tracepoint tp, List<String> assignments, boolean json) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new BpfException(Errno.EINVAL, "'" + a + "' is not FIELD=VALUE");
            String field = a.substring(0, eq);
            if (tp.fields().stream().noneMatch(f -> f.name().equals(field)))
                throw new BpfException(Errno.EINVAL, "tracepoint " + tp.fullName() + " has no field '" + field + "'; its fields: "
                        + String.join(", ", tp.fields().stream().map(TracepointField::name).toList()));
            given.put(field, a.substring(eq + 1));
        }
        Object[] values = new Object[tp.fields().size()];
        Map<String, Object> shown = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            TracepointField f = tp.fields().get(i);
            String text = given.get(f.name());
            values[i] = isText(f) ? (text == null ? "" : text) : (Object) integer(f, text == null ? "0" : text);
            shown.put(f.name(), values[i]);
        }
        int programs = attachedCounts().getOrDefault(tp.fullName(), 0);
        tp.fire(values);
        return Output.render(json, new FireView(tp.fullName(), shown, programs),
                v -> "fired " + v.name() + " (" + ProgCommand.count(v.programs(), "program") + " attached)\n");
    }

    static boolean isText(TracepointField f) { return f.type().startsWith("char"); }

    /** A field value: decimal or 0x hex, in the field's range (signed or unsigned), as a long. */
    static long integer(TracepointField f, String text) {
        String t = text.strip();
        BigInteger v;
        try {
            boolean neg = t.startsWith("-");
            String digits = neg ? t.substring(1) : t;
            v = digits.startsWith("0x") || digits.startsWith("0X") ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
            if (neg) v = v.negate();
        } catch (NumberFormatException e) {
            throw new BpfException(Errno.EINVAL, "field " + f.name() + " (" + f.type() + "): '" + text + "' is not a number");
        }
        int bits = Math.min(64, f.size() * 8);
        BigInteger min = f.signed() ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = f.signed() ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE) : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0)
            throw new BpfException(Errno.ERANGE, "field " + f.name() + " (" + f.type() + "): " + text + " is outside " + min + ".." + max);
        return v.longValue();
    }
}
