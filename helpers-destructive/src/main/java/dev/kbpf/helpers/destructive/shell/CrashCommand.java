package dev.kbpf.helpers.destructive.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.kbpf.helpers.destructive.crash.CrashDumpDocument;
import dev.kbpf.helpers.destructive.crash.CrashDumpException;
import dev.kbpf.helpers.destructive.crash.CrashDumpReader;
import dev.kbpf.helpers.destructive.crash.CrashDumpSummary;
import dev.kbpf.helpers.destructive.crash.CrashDumpView;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code bpf:crash}: the crash dumps under {@code crash/}, read the way the {@code crash} utility
 * reads a vmcore — {@code list} them, {@code show} one ({@code sys}), its kernel {@code log}, and
 * its back traces ({@code bt}: the panicking program's frame, then every JVM thread). Works on
 * dumps of earlier boots, which is the point: read after the reboot what the panic left.
 */
@Component(service = Object.class, property = {"osgi.command.scope=bpf", "osgi.command.function=crash"})
public class CrashCommand {

    static final String USAGE = "crash list | show ID | log ID [-m] | bt ID   (ID from 'crash list', or 'latest'; add --json for JSON)";

    /** The JSON of {@code --json} listings: snake_case like the other bpf commands, one line. */
    private static final ObjectMapper LISTING = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    /** A dump itself prints in the dump file's own format (the reader's field names). */
    private static final ObjectMapper DOCUMENT = new ObjectMapper();

    private CrashDumpReader reader;

    /** For Declarative Services. */
    public CrashCommand() {}

    CrashCommand(Path directory) { this.reader = new CrashDumpReader(directory); }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        reader = new CrashDumpReader(CrashDirectory.resolve(properties.get(CrashDirectory.PROPERTY), context::getProperty));
    }

    /** A line of {@code crash list}. */
    public record DumpView(String id, String time, String reason, String message, String bootId, boolean readable, String file) {
        static DumpView of(CrashDumpSummary s) {
            return new DumpView(s.id(), s.time().toString(), s.reason(), s.message(), s.bootId(), s.readable(), s.file().toString());
        }
    }

    /** {@code crash bt --json}: the caller's frame and the threads, as the dump holds them. */
    public record BacktraceView(String id, CrashDumpDocument.Caller caller, List<CrashDumpDocument.JvmThread> threads) {}

    @Descriptor("Crash dumps: list them, show one (like crash's sys), its kernel log (log), its back traces (bt: the"
            + " program's frame, registers, instructions and stack, then every JVM thread). ID is from 'crash list' or 'latest'.")
    public String crash(
            @Descriptor("print JSON instead of text") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("log: each line's level first, as <0> (crash's log -m)")
            @Parameter(names = {"-m", "--levels"}, presentValue = "true", absentValue = "false") boolean levels,
            @Descriptor("list | show ID | log ID | bt ID") String... args) {
        List<String> words = args == null ? List.of() : List.of(args);
        String sub = words.isEmpty() ? "list" : words.get(0).toLowerCase(Locale.ROOT);
        if (sub.equals("list")) {
            if (words.size() > 1) throw usage("unexpected '" + words.get(1) + "'");
            List<CrashDumpSummary> dumps = reader.list();
            return json ? write(LISTING, dumps.stream().map(DumpView::of).toList())
                    : dumps.isEmpty() ? "no crash dumps under " + reader.directory() + "\n" : CrashDumpView.listing(dumps);
        }
        if (!List.of("show", "log", "bt").contains(sub)) throw usage("unknown sub-command '" + sub + "'");
        if (words.size() != 2) throw usage(words.size() < 2 ? "missing dump ID" : "unexpected '" + words.get(2) + "'");
        String id = resolve(words.get(1));
        CrashDumpDocument dump = reader.read(id);
        CrashDumpView view = new CrashDumpView(dump, id);
        return switch (sub) {
            case "show" -> json ? write(DOCUMENT, dump) : view.sys();
            case "log" -> json ? write(DOCUMENT, dump.dmesg()) : view.log(levels);
            default -> json ? write(LISTING, new BacktraceView(id, dump.caller(), dump.threads())) : view.bt();
        };
    }

    /** {@code latest} (or {@code last}) is the newest dump; anything else is a dump id or file name. */
    private String resolve(String id) {
        if (id.equalsIgnoreCase("latest") || id.equalsIgnoreCase("last"))
            return reader.latest().map(CrashDumpSummary::id)
                    .orElseThrow(() -> new CrashDumpException("no crash dumps under " + reader.directory()));
        return id;
    }

    private static CrashDumpException usage(String problem) {
        return new CrashDumpException(problem + "\nusage: " + USAGE);
    }

    private static String write(ObjectMapper mapper, Object data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + data.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
