package dev.kbpf.helpers.destructive.crash;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashDumpReaderTest {
    @TempDir Path dir;

    @Test
    void noDirectoryMeansNoDumps() {
        CrashDumpReader r = new CrashDumpReader(dir.resolve("never-created"));
        assertEquals(List.of(), r.list());
        assertTrue(r.latest().isEmpty());
    }

    @Test
    void dumpsAreFoundByIdOrFileNameAndNothingElse() throws IOException {
        Path f = new JsonCrashDumpWriter(dir).write(CrashDumps.panic());
        CrashDumpReader r = new CrashDumpReader(dir);
        String id = CrashDumpFiles.id(f);
        assertEquals("condition X seen", r.read(id).message());
        assertEquals("condition X seen", r.read(f.getFileName().toString()).message());
        assertEquals(id, r.latest().orElseThrow().id());

        CrashDumpException e = assertThrows(CrashDumpException.class, () -> r.read("crash-nope"));
        assertTrue(e.getMessage().contains("no crash dump 'crash-nope'"), e.getMessage());
        assertThrows(CrashDumpException.class, () -> r.read("../../etc/passwd"));
        assertThrows(CrashDumpException.class, () -> r.read("." + f.getFileName() + ".tmp"));
        assertThrows(CrashDumpException.class, () -> r.read(""));
    }

    @Test
    void brokenFilesAreListedAsUnreadableAndRefusedWhenShown() throws IOException {
        new JsonCrashDumpWriter(dir).write(CrashDumps.panic());
        Files.writeString(dir.resolve("crash-20200101T000000.000000Z-00000000-0001.json"), "{\"format\": 1, \"reason\": ");
        Files.writeString(dir.resolve("crash-20210101T000000.000000Z-00000000-0001.json"), "{\"format\": 2, \"reason\": \"PANIC\"}");
        Files.writeString(dir.resolve("notes.txt"), "not a dump");
        Files.writeString(dir.resolve(".crash-20220101T000000.000000Z-00000000-0001.json.tmp"), "{");
        CrashDumpReader r = new CrashDumpReader(dir);
        List<CrashDumpSummary> list = r.list();
        assertEquals(3, list.size(), list.toString());
        assertFalse(list.get(0).readable());
        assertTrue(list.get(0).message().contains("is not valid"), list.get(0).message());
        assertFalse(list.get(1).readable());
        assertTrue(list.get(1).message().contains("format 2"), list.get(1).message());
        assertTrue(list.get(2).readable());
        CrashDumpException e = assertThrows(CrashDumpException.class, () -> r.read(list.get(0).id()));
        assertTrue(e.getMessage().startsWith("crash dump crash-20200101T000000.000000Z-00000000-0001.json is not valid"), e.getMessage());
    }
}
