package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.TracePipe;
import dev.kbpf.api.TraceRecord;
import dev.kbpf.shell.format.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bpf:tracelog}: follows the trace pipe ({@code bpftool prog tracelog}, {@code cat trace_pipe}),
 * printing each {@code bpf_trace_printk} line as it comes until interrupted (Ctrl-C), or until
 * {@code --count} lines or {@code --timeout} seconds — what a script uses.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=tracelog"})
public class TracelogCommand {

    /** How long one read waits before the loop checks for an interrupt and the deadline. */
    static final Duration POLL = Duration.ofMillis(100);

    @Reference
    private Bpf bpf;

    /** For Declarative Services. */
    public TracelogCommand() {}

    TracelogCommand(Bpf bpf) { this.bpf = bpf; }

    @Descriptor("Follow the trace pipe: print bpf_trace_printk lines as programs write them, until Ctrl-C. Reading"
            + " consumes lines, as Linux's trace_pipe does. In scripts give --count or --timeout.")
    public void tracelog(CommandSession session,
            @Descriptor("print each line as a JSON object (one a line)") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("stop after this many lines (0: no limit)") @Parameter(names = {"-n", "--count"}, absentValue = "0") String count,
            @Descriptor("stop after this many seconds (0: no limit)") @Parameter(names = {"-t", "--timeout"}, absentValue = "0") String timeout) {
        double seconds;
        try {
            seconds = Double.parseDouble(timeout.strip());
        } catch (NumberFormatException e) {
            throw new CommandException("--timeout '" + timeout + "' is not a number of seconds");
        }
        follow(session.getConsole(), json, Args.parseInt(count, "--count"), seconds);
    }

    /** @return how many lines were printed */
    int follow(PrintStream out, boolean json, int count, double timeoutSeconds) {
        if (count < 0 || timeoutSeconds < 0) throw new CommandException("--count and --timeout cannot be negative");
        TracePipe pipe;
        try {
            pipe = bpf.tracePipe();
        } catch (dev.kbpf.api.BpfException e) {
            throw CommandException.of(e);
        }
        long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeoutSeconds * 1e9);
        int printed = 0;
        while (!Thread.currentThread().isInterrupted() && (count == 0 || printed < count)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            int want = count == 0 ? 256 : count - printed;
            List<TraceRecord> lines = pipe.read(want, left < POLL.toNanos() ? Duration.ofNanos(left) : POLL);
            for (TraceRecord r : lines) {
                out.println(json ? Json.write(r) : r.format());
                printed++;
            }
            out.flush();
        }
        return printed;
    }
}
