package dev.kbpf.itest;

import static org.junit.Assert.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The README's walkthrough, replayed against the real distribution in a separate process, as a
 * newcomer would run it: bin/kbpf with the walkthrough script, then the crash dump it left.
 */
public class WalkthroughIT {
    private final Path repo = Path.of(System.getProperty("kbpf.repo.dir", "..")).toAbsolutePath().normalize();

    @Test
    public void theReadmeWalkthroughRunsAsWritten() throws Exception {
        Path script = repo.resolve("docs/walkthrough.gosh");
        String readme = Files.readString(repo.resolve("README.md"), StandardCharsets.UTF_8);
        for (String line : Files.readAllLines(script, StandardCharsets.UTF_8)) {
            String command = line.strip();
            // the script pauses where a person at the shell would wait (for FileInstall, for the reboot)
            if (command.isEmpty() || command.startsWith("#") || command.startsWith("sleep ")) continue;
            assertTrue("the README does not show the walkthrough command: " + command, readme.contains(command));
        }

        Path home = Path.of("target/walkthrough-home").toAbsolutePath();
        deleteTree(home);
        Files.createDirectories(home.resolve("deploy"));
        // the administrator's step: copy the destructive bundle into deploy/
        Files.copy(repo.resolve("distribution/target/kbpf/optional/helpers-destructive.jar"),
                home.resolve("deploy/helpers-destructive.jar"), StandardCopyOption.REPLACE_EXISTING);

        Path out = home.resolve("walkthrough.out");
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("bin/kbpf").toString(), script.toString())
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("KBPF_HOME", home.toString());
        pb.environment().put("KBPF_NO_BUILD", "1");
        Process p = pb.start();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        String printed = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        if (!ended) {
            p.destroyForcibly();
            fail("bin/kbpf did not end within 180 s; it printed:\n" + printed);
        }
        assertEquals("bin/kbpf exit status; it printed:\n" + printed, 0, p.exitValue());

        assertTrue(printed, printed.contains("bpf_map_lookup_elem"));                 // helpers listed
        assertTrue(printed, printed.contains("Found 1 element"));                     // the counting map
        assertTrue(printed, printed.contains("bpf_panic"));                           // destructive kfuncs arrived
        assertTrue(printed, printed.contains("Kernel panic - not syncing: too many bundles stopped"));
        assertTrue(printed, printed.contains("reboot: Restarting system"));
        assertTrue(printed, printed.contains("no programs loaded"));                  // after the reboot
        assertTrue(printed, printed.contains("PANIC"));                               // crash list / show

        List<Path> dumps;
        try (Stream<Path> s = Files.list(home.resolve("crash"))) {
            dumps = s.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
        assertEquals("one crash dump: " + dumps, 1, dumps.size());
        JsonNode dump = new ObjectMapper().readTree(dumps.get(0).toFile());
        assertEquals("too many bundles stopped", dump.path("message").asText());
        assertTrue(dump.toString(), dump.toString().contains("panic_on_stops"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
