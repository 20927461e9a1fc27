package dev.kbpf.verifier;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One verifier test case in the project's compact form, modelled on the Linux selftests'
 * {@code struct bpf_test}: a program, its type, the loader, the expected verdict, errno and log
 * substrings. Built fluently: {@code accept("name", "asm")}, {@code reject("name", "asm", EACCES, "msg")}.
 */
final class Case {
    final String name;
    final Supplier<List<Insn>> program;
    final boolean accept;
    final Errno errno;
    final List<String> msgs = new ArrayList<>();
    ProgType type = ProgType.TRACEPOINT;
    Credentials creds = Credentials.root();
    int flags;
    int logLevel = 2;
    Consumer<TestEnv> envSetup = e -> { };
    Consumer<VerifierResult.Accepted> check = a -> { };
    Map<Integer, String> lines = Map.of();

    private Case(String name, Supplier<List<Insn>> program, boolean accept, Errno errno, String... msgs) {
        this.name = name;
        this.program = program;
        this.accept = accept;
        this.errno = errno;
        this.msgs.addAll(List.of(msgs));
    }

    static Case accept(String name, String asm, String... logMsgs) { return new Case(name, () -> Asm.of(asm), true, null, logMsgs); }

    static Case reject(String name, String asm, Errno errno, String... msgs) { return new Case(name, () -> Asm.of(asm), false, errno, msgs); }

    static Case acceptRaw(String name, Supplier<List<Insn>> insns, String... logMsgs) { return new Case(name, insns, true, null, logMsgs); }

    static Case rejectRaw(String name, Supplier<List<Insn>> insns, Errno errno, String... msgs) { return new Case(name, insns, false, errno, msgs); }

    Case type(ProgType t) { this.type = t; return this; }

    Case creds(Credentials c) { this.creds = c; return this; }

    /**
     * Loaded by a holder of CAP_BPF without CAP_PERFMON, as a socket filter (a tracing type needs
     * CAP_PERFMON to load at all): Linux then refuses to read stack never written
     * ({@code allow_uninit_stack} is CAP_PERFMON's).
     */
    Case withoutPerfmon() { return type(ProgType.SOCKET_FILTER).creds(Credentials.of(dev.kbpf.api.Capability.CAP_BPF)); }

    Case flags(int f) { this.flags = f; return this; }

    Case level(int l) { this.logLevel = l; return this; }

    Case env(Consumer<TestEnv> e) { this.envSetup = e; return this; }

    Case then(Consumer<VerifierResult.Accepted> c) { this.check = c; return this; }

    Case lines(Map<Integer, String> l) { this.lines = l; return this; }

    VerifierResult run() {
        TestEnv env = new TestEnv();
        envSetup.accept(env);
        VerifierInput in = new VerifierInput(program.get(), type, flags, creds, logLevel, env, lines);
        return Verifier.verify(in);
    }

    void verify() {
        VerifierResult r = run();
        String log = r.log();
        if (accept) {
            if (!(r instanceof VerifierResult.Accepted a)) {
                VerifierResult.Rejected rj = (VerifierResult.Rejected) r;
                fail(name + ": expected ACCEPT, got " + rj.errno() + " '" + rj.message() + "'\n" + tail(log));
                return;
            }
            for (String m : msgs) assertTrue(log.contains(m), name + ": log lacks '" + m + "'\n" + tail(log));
            if (logLevel != 0) assertTrue(log.contains("processed "), name + ": no statistics line");
            check.accept(a);
        } else {
            if (!(r instanceof VerifierResult.Rejected rj)) {
                fail(name + ": expected REJECT " + errno + " " + msgs + ", got ACCEPT\n" + tail(log));
                return;
            }
            assertEquals(errno, rj.errno(), name + ": errno (message '" + rj.message() + "')");
            for (String m : msgs) assertTrue(log.contains(m), name + ": log lacks '" + m + "', main message '" + rj.message() + "'\n" + tail(log));
        }
    }

    private static String tail(String log) {
        return log.length() > 3000 ? "..." + log.substring(log.length() - 3000) : log;
    }

    @Override
    public String toString() { return name; }
}
