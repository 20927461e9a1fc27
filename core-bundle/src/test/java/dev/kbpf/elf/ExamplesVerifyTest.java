package dev.kbpf.elf;

import static dev.kbpf.spi.ArgType.ANYTHING;
import static dev.kbpf.spi.ArgType.CONST_ALLOC_SIZE_OR_ZERO;
import static dev.kbpf.spi.ArgType.CONST_MAP_PTR;
import static dev.kbpf.spi.ArgType.CONST_SIZE_OR_ZERO;
import static dev.kbpf.spi.ArgType.PTR_TO_ALLOC_MEM;
import static dev.kbpf.spi.ArgType.PTR_TO_CONST_STR;
import static dev.kbpf.spi.ArgType.PTR_TO_CTX;
import static dev.kbpf.spi.ArgType.PTR_TO_FUNC;
import static dev.kbpf.spi.ArgType.PTR_TO_MAP_KEY;
import static dev.kbpf.spi.ArgType.PTR_TO_MAP_VALUE;
import static dev.kbpf.spi.ArgType.PTR_TO_STACK_OR_NULL;
import static dev.kbpf.spi.ArgType.PTR_TO_UNINIT_MEM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.ProgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.RetType;
import dev.kbpf.verifier.DestructivePolicy;
import dev.kbpf.verifier.MapInfo;
import dev.kbpf.verifier.ResolvedKfunc;
import dev.kbpf.verifier.Verifier;
import dev.kbpf.verifier.VerifierEnv;
import dev.kbpf.verifier.VerifierInput;
import dev.kbpf.verifier.VerifierResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the loader produces is what the verifier takes: every program of every example, with
 * its maps by index, its kfunc table turned into registry ids and its source lines, verifies
 * as Linux would verify it (helpers with Linux's prototypes, kfuncs as helpers-destructive
 * declares them). The log at level 2 shows the C source lines.
 */
class ExamplesVerifyTest {
    private static final Set<ProgType> ALL = EnumSet.allOf(ProgType.class);
    private static final Map<Integer, HelperDescriptor> HELPERS = new HashMap<>();
    private static final List<KfuncDescriptor> KFUNCS = List.of(
            new KfuncDescriptor("bpf_panic", FunctionProto.of(RetType.VOID, PTR_TO_CONST_STR), Set.of(KfuncFlag.KF_DESTRUCTIVE), ALL),
            new KfuncDescriptor("crash_kexec", FunctionProto.of(RetType.VOID), Set.of(KfuncFlag.KF_DESTRUCTIVE), ALL),
            new KfuncDescriptor("bpf_console_print", FunctionProto.of(RetType.INTEGER, PTR_TO_CONST_STR), Set.of(), ALL));

    /**
     * Programs the verifier does not accept yet although Linux does: each entry says why. The test
     * fails when one of them starts to verify, so that the entry is removed.
     */
    private static final Map<String, String> KNOWN_VERIFIER_GAPS = Map.of();

    private static void helper(int id, String name, FunctionProto p, boolean gplOnly) {
        HELPERS.put(id, new HelperDescriptor(id, name, p, ALL, gplOnly));
    }

    static {
        helper(1, "map_lookup_elem", FunctionProto.of(RetType.PTR_TO_MAP_VALUE_OR_NULL, CONST_MAP_PTR, PTR_TO_MAP_KEY), false);
        helper(2, "map_update_elem", FunctionProto.of(RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING), false);
        helper(5, "ktime_get_ns", FunctionProto.of(RetType.INTEGER), false);
        helper(12, "tail_call", FunctionProto.of(RetType.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING), false);
        helper(14, "get_current_pid_tgid", FunctionProto.of(RetType.INTEGER), false);
        helper(113, "probe_read_kernel", FunctionProto.of(RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), true);
        helper(115, "probe_read_kernel_str", FunctionProto.of(RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), true);
        helper(131, "ringbuf_reserve", FunctionProto.of(RetType.PTR_TO_ALLOC_MEM_OR_NULL, CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING), false);
        helper(132, "ringbuf_submit", FunctionProto.of(RetType.VOID, PTR_TO_ALLOC_MEM, ANYTHING), false);
        helper(181, "loop", FunctionProto.of(RetType.INTEGER, ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING), false);
    }

    /** The environment a runtime builds for one object: its maps by index, the kfuncs by registry id. */
    private static VerifierEnv env(BpfObject o) {
        return new VerifierEnv() {
            @Override public Optional<HelperDescriptor> helper(int id) { return Optional.ofNullable(HELPERS.get(id)); }
            @Override public boolean kfuncRegistryPresent() { return true; }
            @Override public Optional<ResolvedKfunc> kfunc(int id) {
                return id >= 0 && id < KFUNCS.size() ? Optional.of(new ResolvedKfunc(id, KFUNCS.get(id))) : Optional.empty();
            }
            @Override public Optional<MapInfo> map(int pseudo, int imm) {
                if (imm < 0 || imm >= o.maps().size()) return Optional.empty();
                MapSpec m = o.maps().get(imm);
                return Optional.of(m.frozen() ? MapInfo.frozenArray(imm, m.name(), m.initialValue())
                        : MapInfo.of(imm, m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.name()));
            }
            @Override public boolean destructiveBpfEnabled() { return true; }
            @Override public DestructivePolicy destructivePolicy() { return DestructivePolicy.FULL; }
            @Override public boolean gplCompatible() { return o.isGplCompatible(); }
        };
    }

    private static VerifierResult verify(BpfObject o, ProgramSpec p, int logLevel) {
        int[] ids = p.kfuncs().stream().mapToInt(n -> {
            for (int i = 0; i < KFUNCS.size(); i++) if (KFUNCS.get(i).name().equals(n)) return i;
            return -1;
        }).toArray();
        return Verifier.verify(new VerifierInput(p.insnsWithKfuncIds(ids), p.type(), LoadFlags.BPF_F_DESTRUCTIVE, Credentials.root(),
                logLevel, env(o), p.sourceLines()));
    }

    @Test
    void everyExampleProgramVerifies() {
        List<String> failures = new ArrayList<>();
        List<String> gapsNowClosed = new ArrayList<>();
        for (String n : Examples.names()) {
            BpfObject o = Examples.load(n);
            for (ProgramSpec p : o.programs()) {
                String key = n + "/" + p.name();
                VerifierResult r = verify(o, p, VerifierInput.LOG_LEVEL1);
                boolean accepted = r instanceof VerifierResult.Accepted;
                if (KNOWN_VERIFIER_GAPS.containsKey(key)) {
                    if (accepted) gapsNowClosed.add(key);
                } else if (r instanceof VerifierResult.Rejected rej) {
                    failures.add(key + ": " + rej.message() + "\n" + rej.log());
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(List.of(), gapsNowClosed, "these now verify: remove them from KNOWN_VERIFIER_GAPS");
    }

    @Test
    void theLogShowsTheSourceLines() {
        BpfObject o = Examples.load("counter");
        VerifierResult r = verify(o, o.programs().get(0), VerifierInput.LOG_LEVEL1 | VerifierInput.LOG_LEVEL2);
        VerifierResult.Accepted ok = (VerifierResult.Accepted) r;
        assertTrue(ok.log().contains("; __u32 pid = c->ent.pid; @ counter.c:18"), ok.log());
    }
}
