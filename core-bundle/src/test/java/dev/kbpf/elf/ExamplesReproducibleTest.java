package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed example objects cannot drift from their C sources: when {@code clang-14} is on
 * {@code PATH} (and libbpf's headers are installed), {@code examples/build.sh} is run on a copy of the
 * folder and every object it builds must be byte-for-byte the committed one. Skipped, with a
 * message, otherwise.
 */
class ExamplesReproducibleTest {

    private static boolean clangAvailable() {
        try {
            Process p = new ProcessBuilder("clang-14", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void everyCommittedObjectIsWhatItsSourceCompilesTo(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(clangAvailable() && Files.isRegularFile(Path.of("/usr/include/bpf/bpf_helpers.h")),
                "clang-14 or libbpf's headers are missing: not checking the committed example objects against their sources "
                + "(apt-get install -y clang-14 libbpf-dev to check)");
        Path examples = Examples.dir();
        List<String> sources;
        try (Stream<Path> s = Files.list(examples)) {
            sources = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".c") || f.endsWith(".h") || f.equals("build.sh")).sorted().toList();
        }
        for (String f : sources) Files.copy(examples.resolve(f), tmp.resolve(f));
        Process build = new ProcessBuilder("sh", tmp.resolve("build.sh").toString()).redirectErrorStream(true).start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(build.waitFor(10, TimeUnit.MINUTES), "build.sh did not finish");
        assertEquals(0, build.exitValue(), "examples/build.sh failed:\n" + out);

        List<String> cFiles = sources.stream().filter(f -> f.endsWith(".c")).toList();
        assertEquals(cFiles.stream().map(f -> f.replace(".c", "")).toList(), Examples.names(), "every source has its committed object and back");
        for (String c : cFiles) {
            String o = c.replace(".c", ".o");
            assertArrayEquals(Files.readAllBytes(examples.resolve(o)), Files.readAllBytes(tmp.resolve(o)),
                    "examples/" + o + " differs from what examples/build.sh compiles from " + c + ": rebuild and commit it");
        }
    }
}
