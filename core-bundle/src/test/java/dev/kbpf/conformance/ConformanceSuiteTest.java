package dev.kbpf.conformance;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.ConformanceTestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every bpf_conformance test file, assembled and run by every executor (FORMAT.md section 3). */
class ConformanceSuiteTest {

    /** The executors the suite must pass: add the JIT's factory here. */
    static final Map<String, ExecutorFactory> EXECUTORS = Map.of("interpreter", Interpreter.FACTORY);

    static Path testsDir() {
        String shared = System.getProperty("kbpf.shared", "../shared");
        return Path.of(shared, "conformance", "tests");
    }

    static List<Path> testFiles() throws IOException {
        Path dir = testsDir();
        assumeTrue(Files.isDirectory(dir), "bpf_conformance tests not found at " + dir.toAbsolutePath() + ": skipped");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFileGivesItsResult() throws IOException {
        List<Path> files = testFiles();
        return EXECUTORS.entrySet().stream().flatMap(e -> files.stream().map(file -> test(e.getKey(), e.getValue(), file)));
    }

    private static DynamicTest test(String executor, ExecutorFactory factory, Path file) {
        ConformanceMachine machine = new ConformanceMachine(factory, ConformanceMachine.DEFAULT_BUDGET);
        return DynamicTest.dynamicTest(executor + ": " + file.getFileName(), () -> {
            ConformanceTestFile test = ConformanceTestFile.parse(Files.readString(file));
            assertFalse(test.skipped(), () -> "upstream would skip it: " + test.skipReason().orElse(""));
            assertTrue(test.error().isEmpty(), "the suite's tests expect results, not errors");
            long r0 = machine.run(test.program(), test.memory());
            assertEquals(Long.toHexString(test.expectedResult()), Long.toHexString(r0), "r0 (hex)");
        });
    }

    @Test
    void theWholeSuiteIsThere() throws IOException {
        assertEquals(313, testFiles().size(), "bpf_conformance at f558566 has 313 test files");
    }
}
