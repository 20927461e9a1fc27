package dev.kbpf.conformance;

import dev.kbpf.exec.ExecutionFault;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.interp.Interpreter;
import dev.kbpf.isa.DecodeException;
import dev.kbpf.isa.InsnDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The bpf_conformance plugin (FORMAT.md section 4): {@code argv[0]} is the test memory as hex when
 * it does not start with {@code --}; stdin is the program as hex text; prints r0 in hex and exits 0,
 * or prints the error on stdout and exits 1.
 *
 * <p>Options: {@code --interpret} (the default and only executor for now), {@code --budget N}
 * (instruction budget, default {@link ConformanceMachine#DEFAULT_BUDGET}), {@code --program HEX}
 * (the program instead of stdin, as uBPF's plugin accepts). {@code --elf} is refused.
 */
public final class ConformancePlugin {
    private ConformancePlugin() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int status;
        try {
            out.println(Long.toHexString(run(args, System.in)));
            status = 0;
        } catch (PluginException | InvalidProgramException | DecodeException | ExecutionFault e) {
            out.println(e.getMessage());
            status = 1;
        } catch (RuntimeException e) {
            out.println("internal error: " + e);
            e.printStackTrace();
            status = 2;
        }
        out.flush();
        System.exit(status);
    }

    /** Parses the arguments, reads the program and runs it; returns r0. */
    static long run(String[] args, InputStream stdin) {
        byte[] memory = new byte[0];
        String programHex = null;
        long budget = ConformanceMachine.DEFAULT_BUDGET;
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) memory = hex(args[i++], "memory argument");
        for (; i < args.length; i++) {
            switch (args[i]) {
                case "--interpret", "" -> { }
                case "--budget" -> budget = parseBudget(value(args, ++i, "--budget"));
                case "--program" -> programHex = value(args, ++i, "--program");
                case "--elf" -> throw new PluginException("ELF input is not supported by this plugin");
                default -> throw new PluginException("unknown option " + args[i]);
            }
        }
        byte[] program = hex(programHex != null ? programHex : readAll(stdin), "program");
        if (program.length == 0) throw new PluginException("no program on stdin");
        return new ConformanceMachine(Interpreter.FACTORY, budget).run(InsnDecoder.decode(program), memory);
    }

    /** Hex bytes separated by whitespace ({@code "aa  bb  "}), or one run of hex digits ({@code "aabb"}). */
    static byte[] hex(String text, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String token : text.trim().split("\\s+")) {
            if (token.isEmpty()) continue;
            if (token.length() % 2 != 0) throw new PluginException(what + ": odd number of hex digits in '" + token + "'");
            for (int k = 0; k < token.length(); k += 2) {
                int hi = Character.digit(token.charAt(k), 16), lo = Character.digit(token.charAt(k + 1), 16);
                if (hi < 0 || lo < 0) throw new PluginException(what + ": not hex: '" + token + "'");
                bytes.write(hi << 4 | lo);
            }
        }
        return bytes.toByteArray();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new PluginException(option + " needs a value");
        return args[i];
    }

    private static long parseBudget(String s) {
        try {
            long v = Long.parseLong(s);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new PluginException("--budget needs a positive number, not '" + s + "'");
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new PluginException("cannot read the program from stdin: " + e.getMessage());
        }
    }

    /** A usage error: bad arguments or input. */
    static final class PluginException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PluginException(String message) { super(message); }
    }
}
