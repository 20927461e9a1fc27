package dev.kbpf.jit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kbpf.conformance.ConformanceMachine;
import dev.kbpf.isa.ConformanceTestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every bpf_conformance test file, assembled, JIT-compiled (never falling back) and run. */
class JitConformanceTest {

    static List<Path> testFiles() throws IOException {
        Path dir = Path.of(System.getProperty("kbpf.shared", "../shared"), "conformance", "tests");
        assumeTrue(Files.isDirectory(dir), "bpf_conformance tests not found at " + dir.toAbsolutePath() + ": skipped");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFileGivesItsResultInTheJit() throws IOException {
        ConformanceMachine machine = new ConformanceMachine(Jit::compileStrict, ConformanceMachine.DEFAULT_BUDGET);
        return testFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ConformanceTestFile test = ConformanceTestFile.parse(Files.readString(file));
            long r0 = machine.run(test.program(), test.memory());
            assertEquals(Long.toHexString(test.expectedResult()), Long.toHexString(r0), "r0 (hex)");
        }));
    }

    @Test
    void theWholeSuiteIsThere() throws IOException {
        assertEquals(313, testFiles().size());
    }
}
