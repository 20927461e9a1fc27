package dev.kbpf.itest;

import static org.junit.Assert.*;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The gosh completion snippet for the {@code bpf:*} commands ({@code bpf-completion.gosh}) in the
 * Gogo of the distribution (gogo.jline's {@code complete} and {@code if}): it is accepted, and its
 * argument functions offer sub-commands and live ids where a person pressing TAB needs them. The
 * line being completed is given as JLine gives it, through {@code $.commandLine}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCompletionIT {

    @Inject
    private BundleContext ctx;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework(
                mavenBundle("org.jline", "jline", "3.30.16"),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.jline", "1.1.8"),
                // the shell bundle runs its profile but starts no console on the test's standard input
                frameworkProperty("gosh.args").value("--nointeractive"));
    }

    /** What JLine's ParsedLine offers the completion functions: the words and the index of the one being completed. */
    public static final class Line {
        private final List<String> words;
        private final int wordIndex;

        Line(int wordIndex, String... words) {
            // an ArrayList, as JLine gives: Gogo calls get() reflectively, which List.of's hidden class refuses
            this.words = new ArrayList<>(List.of(words));
            this.wordIndex = wordIndex;
        }

        public List<String> words() { return words; }

        public int wordIndex() { return wordIndex; }
    }

    private static List<String> strings(Object result) {
        List<String> out = new ArrayList<>();
        if (result instanceof Collection<?> c) for (Object o : c) out.add(String.valueOf(o));
        else if (result != null) out.add(String.valueOf(result));
        return out;
    }

    @Test
    public void completionOffersSubcommandsAndLiveValues() throws Exception {
        ServiceReference<CommandProcessor> ref = ctx.getServiceReference(CommandProcessor.class);
        CommandProcessor processor = ctx.getService(ref);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String snippet;
        try (InputStream in = getClass().getResourceAsStream("/dev/kbpf/itest/bpf-completion.gosh")) {
            snippet = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (CommandSession s = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            // what gogo.jline's interactive shell keeps per session, and its complete command fills
            java.util.Map<String, List<?>> completions = new java.util.HashMap<>();
            s.put(".completions", completions);
            s.execute(snippet);
            for (String c : List.of("bpf:prog", "bpf:map", "bpf:link", "bpf:tracepoint", "bpf:helpers", "bpf:kfuncs", "bpf:kfunc",
                    "bpf:sysctl", "bpf:dmesg", "bpf:tracelog", "bpf:crash", "bpf:feature", "bpf:ids"))
                assertFalse(c + " has no completion", completions.getOrDefault(c, List.of()).isEmpty());
            assertEquals(10, completions.get("bpf:prog").size()); // description, 8 options, the argument function
            int map = Integer.parseInt(String.valueOf(strings(s.execute("bpf:map create type array key 4 value 4 entries 1")).get(0))
                    .replaceAll("(?s)created map (\\d+).*", "$1"));

            s.put(".commandLine", new Line(1, "bpf:prog", ""));
            assertEquals(List.of("list", "show", "load", "dump", "run", "unload", "attach", "detach"), strings(s.execute("__bpf_prog_args")));
            s.put(".commandLine", new Line(2, "bpf:prog", "dump", ""));
            assertEquals(List.of("xlated", "jited", "visual"), strings(s.execute("__bpf_prog_args")));
            s.put(".commandLine", new Line(3, "bpf:prog", "attach", "7", ""));
            List<String> tps = strings(s.execute("__bpf_prog_args"));
            assertTrue(tps.toString(), tps.contains("osgi:bundle_event"));
            s.put(".commandLine", new Line(2, "bpf:map", "dump", ""));
            assertTrue(strings(s.execute("__bpf_map_args")).contains(String.valueOf(map)));
            s.put(".commandLine", new Line(2, "bpf:tracepoint", "format", ""));
            assertTrue(strings(s.execute("__bpf_tracepoint_args")).contains("jvm:gc_pause"));
            s.put(".commandLine", new Line(2, "bpf:crash", "show", ""));
            assertEquals(List.of("latest"), strings(s.execute("__bpf_crash_args")));
            assertTrue(strings(s.execute("bpf:ids sysctl")).contains("kernel.panic"));
            assertEquals(0, ((Number) s.execute("x = bpf:ids link; $x size")).intValue());
            assertTrue("scripts may call methods on the list", s.execute("(bpf:ids tracepoint) contains 'osgi:bundle_event'").equals(Boolean.TRUE));
            assertEquals(List.of("socket_filter", "kprobe", "tracepoint", "xdp", "perf_event", "raw_tracepoint", "lirc_mode2", "tracing"),
                    strings(s.execute("__bpf_prog_types")));
            s.execute("bpf:map free " + map);
        } finally {
            ctx.ungetService(ref);
        }
    }
}
