package dev.kbpf.conformance;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.ConformanceTestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every bpf_conformance test file, assembled and run by the interpreter (FORMAT.md section 3). */
class ConformanceSuiteTest {

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
        ConformanceMachine machine = new ConformanceMachine(Interpreter.FACTORY, ConformanceMachine.DEFAULT_BUDGET);
        return testFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ConformanceTestFile test = ConformanceTestFile.parse(Files.readString(file));
            assertFalse(test.skipped(), () -> "upstream would skip it: " + test.skipReason().orElse(""));
            assertTrue(test.error().isEmpty(), "the suite's tests expect results, not errors");
            long r0 = machine.run(test.program(), test.memory());
            assertEquals(Long.toHexString(test.expectedResult()), Long.toHexString(r0), "r0 (hex)");
        }));
    }

    @Test
    void theWholeSuiteIsThere() throws IOException {
        assertEquals(313, testFiles().size(), "bpf_conformance at f558566 has 313 test files");
    }
}
