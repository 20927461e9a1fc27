package dev.kbpf.helpers.destructive.osgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the machine's crash dumps go: the configured directory, else the framework's, else the home's {@code crash}. */
class CrashDumpWriterComponentTest {

    @Test
    void theDirectoryFollowsConfigurationThenFrameworkPropertiesThenTheHome() {
        Map<String, String> fw = Map.of("kbpf.crash.dir", "/fw/crash", "kbpf.home", "/home/kbpf");
        assertEquals(Path.of("/cfg/dumps"), CrashDumpWriterComponent.directory("/cfg/dumps", fw::get));
        assertEquals(Path.of("/fw/crash"), CrashDumpWriterComponent.directory(null, fw::get));
        assertEquals(Path.of("/fw/crash"), CrashDumpWriterComponent.directory(" ", fw::get));
        assertEquals(Path.of("/home/kbpf/crash"), CrashDumpWriterComponent.directory(null, Map.of("kbpf.home", "/home/kbpf")::get));
        assertEquals(Path.of("var", "crash"), CrashDumpWriterComponent.directory(null, p -> null));
    }
}
