package dev.kbpf.helpers.destructive.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kbpf.api.ProgType;
import dev.kbpf.helpers.destructive.crash.CrashDumpException;
import dev.kbpf.helpers.destructive.crash.JsonCrashDumpWriter;
import dev.kbpf.isa.Insn;
import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.CrashReport;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgramSnapshot;
import dev.kbpf.spi.ThreadSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashCommandTest {

    static final UUID BOOT = UUID.fromString("3f2a9c1e-0000-4000-8000-000000000001");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    CrashCommand cmd;
    String first, second;

    static CrashReport report(CrashReason reason, String message, Instant time) {
        PanicContext caller = new PanicContext.ProgramFrame(7, "detect", "0123456789abcdef", ProgType.TRACEPOINT, 1,
                new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new byte[16]);
        ProgramSnapshot prog = new ProgramSnapshot(7, "detect", "0123456789abcdef", ProgType.TRACEPOINT, false,
                List.of(new Insn(0xb7, 1, 0, 0, 42), new Insn(0x85, 0, 2, 0, 3), new Insn(0x95, 0, 0, 0, 0)),
                List.of("r1 = 42", "call bpf_panic#3", "exit"));
        return new CrashReport(reason, message, time, BOOT, 61_000_000_000L, "0.1.0-test", MachineState.PANICKED, caller, 1,
                List.of(prog), List.of(), List.of(), List.of(), Map.of("kernel.panic", 0),
                List.of(new KmsgRecord(0, LogLevel.KERN_NOTICE, 0, "kbpf booted"),
                        new KmsgRecord(1, LogLevel.KERN_EMERG, 61_000_000_000L, "Kernel panic - not syncing: " + message)),
                List.of(new ThreadSnapshot(42, "kbpf-tracepoint", "RUNNABLE", true, "", List.of("at dev.kbpf.Kfuncs.panic(Kfuncs.java:20)"))));
    }

    @BeforeEach
    void setUp() throws Exception {
        JsonCrashDumpWriter writer = new JsonCrashDumpWriter(dir);
        first = idOf(writer.write(report(CrashReason.PANIC, "condition X seen", Instant.parse("2026-11-25T12:00:01Z"))));
        second = idOf(writer.write(report(CrashReason.CRASH_DUMP, "look here", Instant.parse("2026-11-25T12:05:00Z"))));
        cmd = new CrashCommand(dir);
    }

    static String idOf(Path file) { return file.getFileName().toString().replace(".json", ""); }

    @Test
    void listsDumpsOldestFirst() throws Exception {
        String out = cmd.crash(false, false);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(1).startsWith(first) && lines.get(1).contains("PANIC") && lines.get(1).endsWith("condition X seen"), out);
        assertTrue(lines.get(2).startsWith(second) && lines.get(2).contains("CRASH_DUMP"), out);
        JsonNode j = JSON.readTree(cmd.crash(true, false, "list"));
        assertEquals(2, j.size());
        assertEquals(first, j.get(0).get("id").asText());
        assertEquals("2026-11-25T12:00:01Z", j.get(0).get("time").asText());
        assertEquals(BOOT.toString(), j.get(0).get("boot_id").asText());
        assertTrue(j.get(0).get("readable").asBoolean());
        assertEquals("no crash dumps under " + dir.resolve("none") + "\n", new CrashCommand(dir.resolve("none")).crash(false, false, "list"));
    }

    @Test
    void showLogAndBtReadOneDump() throws Exception {
        String sys = cmd.crash(false, false, "show", first);
        assertTrue(sys.contains("DUMPFILE: " + first), sys);
        assertTrue(sys.contains("PANIC: \"Kernel panic - not syncing: condition X seen\""), sys);
        assertTrue(cmd.crash(false, false, "show", "latest").contains("MESSAGE: \"look here\""));
        assertEquals("[    0.000000] kbpf booted\n[   61.000000] Kernel panic - not syncing: condition X seen\n", cmd.crash(false, false, "log", first));
        assertTrue(cmd.crash(false, true, "log", first).startsWith("<5>[    0.000000] kbpf booted\n<0>"));
        String bt = cmd.crash(false, false, "bt", first);
        assertTrue(bt.startsWith("PROG: 7      NAME: \"detect\"  TAG: 0123456789abcdef"), bt);
        assertTrue(bt.contains("=>   1: (85) call bpf_panic#3"), bt);
        assertTrue(bt.contains("TID: 42"), bt);

        JsonNode doc = JSON.readTree(cmd.crash(true, false, "show", first));
        assertEquals("PANIC", doc.get("reason").asText());
        assertEquals("condition X seen", doc.get("message").asText());
        JsonNode log = JSON.readTree(cmd.crash(true, false, "log", first));
        assertEquals(2, log.size());
        assertEquals("kbpf booted", log.get(0).get("text").asText());
        JsonNode bts = JSON.readTree(cmd.crash(true, false, "bt", first));
        assertEquals(first, bts.get("id").asText());
        assertEquals(7, bts.get("caller").get("prog_id").asInt());
        assertEquals("kbpf-tracepoint", bts.get("threads").get(0).get("name").asText());
    }

    @Test
    void badIdsAndUsageSayWhatIsWrong() throws Exception {
        assertTrue(assertThrows(CrashDumpException.class, () -> cmd.crash(false, false, "show", "crash-nope")).getMessage().contains("no crash dump 'crash-nope'"));
        assertTrue(assertThrows(CrashDumpException.class, () -> cmd.crash(false, false, "show")).getMessage().contains("missing dump ID"));
        assertTrue(assertThrows(CrashDumpException.class, () -> cmd.crash(false, false, "explode")).getMessage().contains("usage: crash list"));
        assertTrue(assertThrows(CrashDumpException.class, () -> new CrashCommand(dir.resolve("none")).crash(false, false, "bt", "latest"))
                .getMessage().startsWith("no crash dumps under"));
        Files.writeString(dir.resolve("crash-20261125T130000.000000Z-3f2a9c1e-0009.json"), "{not json");
        assertTrue(cmd.crash(false, false, "list").contains("UNREADABLE"));
    }

    @Test
    void throughGogoWithOptionsAnywhere() throws Exception {
        ThreadIOImpl io = new ThreadIOImpl();
        io.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(io);
        processor.addCommand("bpf", cmd, "crash");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            try (CommandSession s = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
                out.print(s.format(s.execute("bpf:crash log latest -m"), Converter.INSPECT));
                out.print(s.format(s.execute("bpf:crash --json list"), Converter.INSPECT));
            }
            String text = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("<5>[    0.000000] kbpf booted\n<0>[   61.000000] Kernel panic - not syncing: look here\n["), text);
        } finally {
            processor.stop();
            io.stop();
        }
    }

    @Test
    void theDirectoryComesFromConfigurationThenFrameworkProperties() {
        assertEquals(Path.of("/x/crash"), CrashDirectory.resolve(null, p -> p.equals("kbpf.home") ? "/x" : null));
        assertEquals(Path.of("/y"), CrashDirectory.resolve(null, p -> p.equals(CrashDirectory.PROPERTY) ? "/y" : "/x"));
        assertEquals(Path.of("/z"), CrashDirectory.resolve("/z", p -> "/x"));
        assertEquals(Path.of("crash"), CrashDirectory.resolve("", p -> null));
    }
}
