package dev.kbpf.helpers.destructive.crash;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.CrashReport;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.PanicContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonCrashDumpWriterTest {
    @TempDir Path home;

    private Path crashDir() { return home.resolve("var/crash"); }

    private List<String> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDumpIsOneJsonFileHoldingEveryPart() throws IOException {
        Path f = new JsonCrashDumpWriter(crashDir()).write(CrashDumps.panic());
        assertEquals(crashDir(), f.getParent(), "the crash directory is created when needed");
        assertEquals("crash-20261125T120001.500000Z-3f2a9c1e-0001.json", f.getFileName().toString());
        assertEquals(List.of(f.getFileName().toString()), filesIn(crashDir()), "no temporary file is left behind");

        JsonNode j = new ObjectMapper().readTree(f.toFile());
        assertEquals(1, j.get("format").asInt());
        assertEquals("PANIC", j.get("reason").asText());
        assertEquals("bpf_panic", j.get("kfunc").asText());
        assertEquals("condition X seen", j.get("message").asText());
        assertEquals("2026-11-25T12:00:01.500Z", j.get("time").asText());
        assertEquals(CrashDumps.BOOT.toString(), j.get("bootId").asText());
        assertEquals(3_723_456_789_000L, j.get("uptimeNs").asLong());
        assertEquals("0.1.0-test", j.get("kbpfVersion").asText());
        assertEquals("PANICKED", j.get("state").asText());

        JsonNode c = j.get("caller");
        assertEquals("program", c.get("kind").asText());
        assertEquals(7, c.get("progId").asInt());
        assertEquals("detect", c.get("progName").asText());
        assertEquals("0123456789abcdef", c.get("tag").asText());
        assertEquals("TRACEPOINT", c.get("progType").asText());
        assertEquals(4, c.get("insnIndex").asInt());
        assertEquals("1122334455667788", c.get("registers").get("r1").asText());
        assertEquals("ffff000100000040", c.get("registers").get("r10").asText());
        assertEquals(11, c.get("registers").size());
        assertEquals(128, c.get("stack").asText().length(), "64 stack bytes as hex");
        assertTrue(c.get("stack").asText().endsWith("2a000000"));
        assertEquals(1, c.get("threadId").asLong());
        assertEquals("call bpf_panic#3", c.get("program").get("insns").get(4).get("text").asText());
        assertEquals("8520000003000000", c.get("program").get("insns").get(4).get("bytes").asText(), "call, src 2 (a kfunc), imm 3");

        assertEquals(6, j.get("programs").get(0).get("insns").size());
        JsonNode map = j.get("maps").get(0);
        assertEquals("HASH", map.get("type").asText());
        assertEquals(100, map.get("entryCount").asLong());
        assertTrue(map.get("truncated").asBoolean());
        assertEquals("01000000", map.get("entries").get(0).get("key").asText());
        assertEquals("0500000000000000", map.get("entries").get(0).get("value").asText());
        assertEquals("sched:sched_switch", j.get("links").get(0).get("target").asText());
        assertEquals("ACTIVE", j.get("bundles").get(1).get("state").asText());
        assertEquals(1, j.get("sysctls").get("kernel.destructive_bpf_enabled").asInt());
        assertEquals("Kernel panic - not syncing: condition X seen", j.get("dmesg").get(1).get("text").asText());
        assertEquals(0, j.get("dmesg").get(1).get("level").asInt());
        assertEquals("at java.lang.Object.wait(Native Method)", j.get("threads").get(0).get("frames").get(0).asText());
    }

    @Test
    void theDocumentReadsBackEqual() throws IOException {
        CrashReport r = CrashDumps.panic();
        Path f = new JsonCrashDumpWriter(crashDir()).write(r);
        assertEquals(CrashDumpDocument.of(r), new CrashDumpReader(crashDir()).read(f));
    }

    @Test
    void aFailingWriteLeavesNoFileAndNothingPartialIsEverVisible() throws IOException {
        List<List<String>> seenMidWrite = new ArrayList<>();
        List<Integer> listedMidWrite = new ArrayList<>();
        JsonCrashDumpWriter.ByteSink diskFullHalfWay = (ch, bytes) -> {
            ByteBuffer half = bytes.duplicate();
            half.limit(bytes.limit() / 2);
            while (half.hasRemaining()) ch.write(half);
            ch.force(true);
            seenMidWrite.add(filesIn(crashDir()));
            listedMidWrite.add(new CrashDumpReader(crashDir()).list().size());
            throw new IOException("No space left on device");
        };
        JsonCrashDumpWriter w = new JsonCrashDumpWriter(crashDir(), diskFullHalfWay);
        IOException e = assertThrows(IOException.class, () -> w.write(CrashDumps.panic()));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(List.of(), filesIn(crashDir()), "neither the dump nor its temporary file remains");

        assertEquals(1, seenMidWrite.size());
        List<String> mid = seenMidWrite.get(0);
        assertEquals(1, mid.size(), mid.toString());
        assertTrue(mid.get(0).startsWith(".crash-") && mid.get(0).endsWith(".json.tmp"), "only a hidden temporary file while writing: " + mid);
        assertEquals(List.of(0), listedMidWrite, "the reader does not see a dump being written");
    }

    @Test
    void aSuccessfulWriteIsVisibleOnlyUnderItsFinalName() throws IOException {
        List<List<String>> seen = new ArrayList<>();
        JsonCrashDumpWriter w = new JsonCrashDumpWriter(crashDir(), (ch, bytes) -> {
            JsonCrashDumpWriter.ByteSink.FULLY.write(ch, bytes);
            seen.add(filesIn(crashDir()));
        });
        Path f = w.write(CrashDumps.panic());
        assertFalse(seen.get(0).contains(f.getFileName().toString()), "the final name appears only after the rename: " + seen);
        assertEquals(List.of(f.getFileName().toString()), filesIn(crashDir()));
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsCleanly() throws IOException {
        Path notADir = home.resolve("file");
        Files.writeString(notADir, "x");
        assertThrows(IOException.class, () -> new JsonCrashDumpWriter(notADir.resolve("crash")).write(CrashDumps.panic()));
    }

    @Test
    void namesSortByTimeAndNeverCollide() throws IOException {
        JsonCrashDumpWriter w = new JsonCrashDumpWriter(crashDir());
        Path late = w.write(CrashDumps.report(CrashReason.CRASH_DUMP, "later", MachineState.RUNNING, CrashDumps.frame(),
                CrashDumps.TIME.plusSeconds(3600)));
        Path early = w.write(CrashDumps.report(CrashReason.CRASH_DUMP, "earlier", MachineState.RUNNING,
                new PanicContext.Kernel("shell"), CrashDumps.TIME));
        Path sameInstant = new JsonCrashDumpWriter(crashDir()).write(CrashDumps.report(CrashReason.CRASH_DUMP, "same", MachineState.RUNNING,
                new PanicContext.Kernel("shell"), CrashDumps.TIME));
        assertNotEquals(early, sameInstant, "a second writer of the same boot and instant picks a free name");
        List<CrashDumpSummary> list = new CrashDumpReader(crashDir()).list();
        assertEquals(3, list.size());
        assertEquals(java.util.Set.of("earlier", "same"), java.util.Set.of(list.get(0).message(), list.get(1).message()),
                "dumps of the same instant sort before a later one whatever the order they were written in");
        assertEquals("later", list.get(2).message());
        assertEquals(CrashDumpFiles.id(late), list.get(2).id());
        assertEquals("CRASH_DUMP", list.get(0).reason());
        assertEquals(CrashDumps.TIME, list.get(0).time());
    }
}
