package dev.kbpf.api;

import dev.kbpf.isa.Insn;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The attributes of {@code BPF_PROG_LOAD}.
 *
 * @param insns       the instruction slots ({@code lddw} takes two)
 * @param license     the program's license; {@code gpl_only} helpers need a GPL-compatible one
 * @param name        up to 15 characters, shown by {@code prog list}
 * @param flags       {@link LoadFlags}
 * @param logLevel    the verifier's log level: 0 none, 1 instructions, 2 states, 4 statistics (bits)
 * @param credentials the loader's capabilities
 * @param fdArray     what {@code lddw} pseudo map idx forms refer to: index → map id (Linux's fd_array)
 * @param kfuncNames  for kfunc calls by name ({@code call} src 2 whose imm indexes this list), as the ELF
 *                    loader leaves them; empty when calls already carry registry ids
 * @param lineInfo    source lines by instruction index ({@code ; text @ file:line}), from BTF line info
 * @param attachTarget the tracepoint the program is meant for (libbpf's SEC name), or empty
 */
public record ProgLoadAttr(ProgType type, List<Insn> insns, String license, String name, int flags, int logLevel,
                           Credentials credentials, List<Integer> fdArray, List<String> kfuncNames,
                           Map<Integer, String> lineInfo, String attachTarget) {

    public ProgLoadAttr {
        Objects.requireNonNull(type, "program type");
        insns = List.copyOf(insns);
        license = license == null ? "" : license;
        name = name == null ? "" : name;
        credentials = credentials == null ? Credentials.root() : credentials;
        fdArray = fdArray == null ? List.of() : List.copyOf(fdArray);
        kfuncNames = kfuncNames == null ? List.of() : List.copyOf(kfuncNames);
        lineInfo = lineInfo == null ? Map.of() : Map.copyOf(lineInfo);
        attachTarget = attachTarget == null ? "" : attachTarget;
    }

    /** A program with a GPL license, no flags, no log, loaded by root. */
    public static ProgLoadAttr of(ProgType type, String name, List<Insn> insns) {
        return new ProgLoadAttr(type, insns, "GPL", name, 0, 0, Credentials.root(), List.of(), List.of(), Map.of(), "");
    }

    public ProgLoadAttr withFlags(int newFlags) {
        return new ProgLoadAttr(type, insns, license, name, newFlags, logLevel, credentials, fdArray, kfuncNames, lineInfo, attachTarget);
    }

    public ProgLoadAttr withLogLevel(int level) {
        return new ProgLoadAttr(type, insns, license, name, flags, level, credentials, fdArray, kfuncNames, lineInfo, attachTarget);
    }

    public ProgLoadAttr withCredentials(Credentials creds) {
        return new ProgLoadAttr(type, insns, license, name, flags, logLevel, creds, fdArray, kfuncNames, lineInfo, attachTarget);
    }

    public ProgLoadAttr withLicense(String newLicense) {
        return new ProgLoadAttr(type, insns, newLicense, name, flags, logLevel, credentials, fdArray, kfuncNames, lineInfo, attachTarget);
    }
}
