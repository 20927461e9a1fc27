package dev.kbpf.conformance;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.isa.ConformanceTestFile;
import dev.kbpf.isa.InsnDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The plugin's argv/stdin contract, called in-process with exactly what the upstream runner sends. */
class ConformancePluginTest {

    private static long plugin(List<String> args, String stdin) {
        return ConformancePlugin.run(args.toArray(String[]::new), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)));
    }

    @TestFactory
    Stream<DynamicTest> everyFileThroughTheProtocol() throws IOException {
        return ConformanceSuiteTest.testFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ConformanceTestFile test = ConformanceTestFile.parse(Files.readString(file));
            List<String> args = new ArrayList<>();
            if (test.memory().length > 0) args.add(ConformanceRunner.hexText(test.memory()));
            String stdin = ConformanceRunner.hexText(InsnDecoder.encode(test.program())) + "\n";
            assertEquals(test.expectedResult(), plugin(args, stdin));
        }));
    }

    @Test
    void upstreamHexEncodingAndPlainHexBothParse() {
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, 0x11}, ConformancePlugin.hex("aa  bb  11  ", "x"));
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, 0x11}, ConformancePlugin.hex("aabb11\n", "x"));
        assertEquals(0, ConformancePlugin.hex("  \n", "x").length);
        Exception e = assertThrows(RuntimeException.class, () -> ConformancePlugin.hex("a", "memory argument"));
        assertTrue(e.getMessage().contains("memory argument"), e.getMessage());
        assertThrows(RuntimeException.class, () -> ConformancePlugin.hex("zz", "x"));
    }

    @Test
    void memoryIsR1AndItsLengthR2() {
        // mov r0, r2 ; exit
        assertEquals(5, plugin(List.of("01  02  03  04  05  "), "bf  20  00  00  00  00  00  00  95  00  00  00  00  00  00  00  \n"));
        // ldxb r0, [r1+4] ; exit
        assertEquals(5, plugin(List.of("01  02  03  04  05  "), "71  10  04  00  00  00  00  00  95  00  00  00  00  00  00  00  \n"));
        // options after the memory are accepted; --program replaces stdin
        assertEquals(5, plugin(List.of("01  02  03  04  05  ", "--interpret", "--program", "bf20000000000000 9500000000000000"), ""));
    }

    @Test
    void errorsAreReportedNotThrownAsInternalFailures() {
        // a read past the memory: a fault naming the instruction
        ExecutionFault f = assertThrows(ExecutionFault.class,
                () -> plugin(List.of("01  02  "), "71  10  04  00  00  00  00  00  95  00  00  00  00  00  00  00  \n"));
        assertTrue(f.getMessage().startsWith("fault at instruction 0: invalid read of 1 byte"), f.getMessage());
        // an endless loop ends with the budget
        f = assertThrows(ExecutionFault.class,
                () -> plugin(List.of("--budget", "1000"), "05  00  ff  ff  00  00  00  00  95  00  00  00  00  00  00  00  \n"));
        assertEquals(ExecutionFault.Kind.BUDGET, f.kind());
        assertThrows(RuntimeException.class, () -> plugin(List.of(), ""));
        assertThrows(RuntimeException.class, () -> plugin(List.of("--elf"), "95  00  00  00  00  00  00  00  \n"));
        assertThrows(RuntimeException.class, () -> plugin(List.of("--frobnicate"), "95  00  00  00  00  00  00  00  \n"));
    }
}
