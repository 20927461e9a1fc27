package dev.kbpf.verifier;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one verification needs.
 *
 * @param insns       the instruction slots ({@code lddw} takes two), subprograms included
 * @param progType    the program type
 * @param loadFlags   {@code prog_flags} bits ({@link dev.kbpf.api.LoadFlags})
 * @param credentials the loader's capabilities
 * @param logLevel    Linux's log level bits: 1 instructions and branches, 2 register states, 4 statistics
 * @param env         helpers, kfuncs, maps, policy, license, context layouts
 * @param sourceLines per instruction index, the source line to print above it ({@code ; code @ file:line}),
 *                    as Linux prints BTF line info; empty when the program has none
 */
public record VerifierInput(List<Insn> insns, ProgType progType, int loadFlags, Credentials credentials, int logLevel,
                            VerifierEnv env, Map<Integer, String> sourceLines) {

    public static final int LOG_LEVEL1 = 1, LOG_LEVEL2 = 2, LOG_STATS = 4;

    public VerifierInput {
        Objects.requireNonNull(insns, "insns");
        Objects.requireNonNull(progType, "progType");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(env, "env");
        insns = List.copyOf(insns);
        sourceLines = sourceLines == null ? Map.of() : Map.copyOf(sourceLines);
    }

    /** A root load with no flags, no log and no source lines. */
    public static VerifierInput of(List<Insn> insns, ProgType type, VerifierEnv env) {
        return new VerifierInput(insns, type, 0, Credentials.root(), 0, env, Map.of());
    }

    public VerifierInput withLogLevel(int level) { return new VerifierInput(insns, progType, loadFlags, credentials, level, env, sourceLines); }

    public VerifierInput withFlags(int flags) { return new VerifierInput(insns, progType, flags, credentials, logLevel, env, sourceLines); }

    public VerifierInput withCredentials(Credentials c) { return new VerifierInput(insns, progType, loadFlags, c, logLevel, env, sourceLines); }

    public VerifierInput withSourceLines(Map<Integer, String> lines) { return new VerifierInput(insns, progType, loadFlags, credentials, logLevel, env, lines); }
}
