package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.TraceRecord;
import dev.kbpf.spi.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DmesgAndTracelogCommandTest {

    @Test
    void dmesgPrintsTheKernelLogWithLevelsAndFilters() throws Exception {
        FakeMachine m = new FakeMachine();
        m.printk(LogLevel.KERN_INFO, "bpf: program 3 loaded");
        m.printk(LogLevel.KERN_WARNING, "bpf: program 3 (count) unloaded: kfunc bpf_panic went away");
        try (Shell shell = new Shell(new DmesgCommand(m))) {
            assertEquals("[    0.001500] bpf: program 3 loaded\n[    0.003000] bpf: program 3 (count) unloaded: kfunc bpf_panic went away\n",
                    shell.run("bpf:dmesg"));
            assertTrue(shell.run("bpf:dmesg -r").startsWith("<6>[    0.001500] bpf: program 3 loaded\n<4>"));
            assertEquals("[    0.003000] bpf: program 3 (count) unloaded: kfunc bpf_panic went away\n", shell.run("bpf:dmesg --level warning"));
            JsonNode j = Fixtures.json(shell.run("bpf:dmesg --json"));
            assertEquals(2, j.size());
            assertEquals("KERN_WARNING", j.get(1).get("level").asText());
            assertEquals(4, j.get(1).get("level_value").asInt());
            assertEquals(3_000_000L, j.get(1).get("uptime_ns").asLong());
            assertTrue(shell.fail("bpf:dmesg --level loud").contains("unknown log level 'loud'"));
        }
    }

    @Test
    void tracelogFollowsThePipeUntilCountOrTimeout() throws Exception {
        FakeBpf bpf = new FakeBpf();
        bpf.pipe.add(new TraceRecord("kbpf-worker-1", 4242, 1, 12_345_678_000L, "count=1"));
        bpf.pipe.add(new TraceRecord("main", 1, 0, 13_000_000_000L, "count=2"));
        TracelogCommand cmd = new TracelogCommand(bpf);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertEquals(2, cmd.follow(out, false, 2, 0));
        assertEquals(List.of("   kbpf-worker-1-4242    [001]     12.345678: bpf_trace_printk: count=1",
                "            main-1       [000]     13.000000: bpf_trace_printk: count=2"), bytes.toString(StandardCharsets.UTF_8).lines().toList());

        // a line written while following arrives; with nothing more, --timeout ends it
        bytes.reset();
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            bpf.pipe.add(new TraceRecord("late", 7, 0, 14_000_000_000L, "hello"));
        });
        writer.start();
        long t0 = System.nanoTime();
        assertEquals(1, cmd.follow(out, true, 0, 0.6));
        assertTrue(System.nanoTime() - t0 >= 550_000_000L, "followed until the timeout");
        JsonNode j = Fixtures.json(bytes.toString(StandardCharsets.UTF_8).strip());
        assertEquals("hello", j.get("message").asText());
        assertEquals(7, j.get("pid").asLong());
        writer.join();
    }

    @Test
    void tracelogThroughTheShellAndItsErrors() throws Exception {
        FakeBpf bpf = new FakeBpf();
        bpf.pipe.add(new TraceRecord("t", 9, 0, 0, "from shell"));
        try (Shell shell = new Shell(new TracelogCommand(bpf))) {
            assertTrue(shell.run("bpf:tracelog --count 1").endsWith("bpf_trace_printk: from shell\n"));
            assertEquals("", shell.run("bpf:tracelog --timeout 0.2"));
            assertTrue(shell.fail("bpf:tracelog --count -1").contains("cannot be negative"));
            assertTrue(shell.fail("bpf:tracelog --timeout soon").contains("is not a number of seconds"));
        }
    }

    @Test
    void interruptStopsFollowing() throws Exception {
        TracelogCommand cmd = new TracelogCommand(new FakeBpf());
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int[] printed = {-1};
        Thread follower = new Thread(() -> printed[0] = cmd.follow(out, false, 0, 0));
        follower.start();
        Thread.sleep(200);
        follower.interrupt();
        follower.join(2000);
        assertFalse(follower.isAlive(), "Ctrl-C (an interrupt) ends tracelog");
        assertEquals(0, printed[0]);
    }
}
