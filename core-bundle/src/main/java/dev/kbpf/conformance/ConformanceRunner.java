package dev.kbpf.conformance;

import dev.kbpf.isa.ConformanceTestFile;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.InsnDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Drives a bpf_conformance plugin the way upstream's {@code bpf_conformance_runner} does
 * (FORMAT.md section 4): one process per test file, the memory as the first argument in
 * upstream's hex encoding ({@code "aa  bb  "}), the options split on single spaces, the program
 * as hex text on stdin, r0 parsed from stdout as hex, and a non-zero exit compared with
 * {@code -- error}. Every file runs (as with {@code --cpu_version v4 --include_groups callx}).
 * Prints one line per failure and {@code N passed, N failed}; exits 1 if anything failed.
 *
 * <p>Usage: {@code ConformanceRunner --test_file_directory DIR --plugin_path EXE [--plugin_options "OPTS"]}
 */
public final class ConformanceRunner {
    private ConformanceRunner() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = null;
        String plugin = null;
        String options = "";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--test_file_directory" -> dir = Path.of(args[i + 1]);
                case "--plugin_path" -> plugin = args[i + 1];
                case "--plugin_options" -> options = args[i + 1];
                default -> usage("unknown option " + args[i]);
            }
        }
        if (dir == null || plugin == null) usage("--test_file_directory and --plugin_path are required");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        int passed = 0, failed = 0, skipped = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            String problem;
            try {
                ConformanceTestFile test = ConformanceTestFile.parse(Files.readString(file));
                List<Insn> program = test.skipped() ? List.of() : test.program();
                if (program.isEmpty()) {
                    skipped++;
                    System.out.println("SKIP " + name + ": " + test.skipReason().orElse("Test file has no BPF instructions"));
                    continue;
                }
                problem = runOne(plugin, options, test, InsnDecoder.encode(program));
            } catch (RuntimeException e) {
                problem = "cannot prepare the test: " + e.getMessage();
            }
            if (problem == null) {
                passed++;
            } else {
                failed++;
                System.out.println("FAIL " + name + ": " + problem);
            }
        }
        System.out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs one test through the plugin; null when it passes, else what went wrong. */
    static String runOne(String plugin, String options, ConformanceTestFile test, byte[] program)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(plugin);
        if (test.memory().length > 0) command.add(hexText(test.memory()));
        if (!options.isEmpty()) command.addAll(List.of(options.split(" ")));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = readAsync(p.getInputStream());
        CompletableFuture<String> err = readAsync(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write((hexText(program) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        int status = p.waitFor();
        String stdout = out.join(), stderr = err.join();
        if (status != 0) {
            String message = stdout.isEmpty() ? stderr : stdout;
            int cr = message.indexOf('\r');
            if (cr >= 0) message = message.substring(0, cr);
            message = message.stripTrailing();
            if (test.error().isEmpty()) return "plugin returned error code " + status + ": " + message;
            return message.equals(test.error().get()) ? null : "expected error '" + test.error().get() + "', got '" + message + "'";
        }
        if (test.error().isPresent() && !test.error().get().isEmpty()) return "expected error '" + test.error().get() + "', plugin succeeded";
        String value = stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
        long r0;
        try {
            r0 = Long.parseUnsignedLong(value.startsWith("0x") ? value.substring(2) : value.strip(), 16);
        } catch (NumberFormatException e) {
            return "Plugin return value could not be parsed: '" + value + "'";
        }
        long expected = test.expectedResult();
        return r0 == expected ? null : "expected 0x" + Long.toHexString(expected) + ", got 0x" + Long.toHexString(r0);
    }

    /** Upstream's encoding: every byte as two lower-case hex digits and two spaces. */
    static String hexText(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 4);
        for (byte b : bytes) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16)).append("  ");
        return sb.toString();
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static void usage(String why) {
        System.err.println(why);
        System.err.println("usage: ConformanceRunner --test_file_directory DIR --plugin_path EXE [--plugin_options \"OPTS\"]");
        System.exit(2);
    }
}
