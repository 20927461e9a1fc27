package dev.kbpf.helpers.tracing;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.spi.RetType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A kfunc registry holding stand-ins for the kfuncs the example objects call — {@code bpf_panic},
 * {@code crash_kexec} and {@code bpf_console_print}, with the prototypes, flags and program types
 * of the destructive bundle's real ones — whose bodies do nothing to the machine: each call is
 * written to a log (name, the five argument registers, the message it was given) and answers 0.
 * Two runtimes each given one of these, fed the same events, must log the same calls.
 */
final class StandInKfuncs implements KfuncRegistry {
    private static final Set<ProgType> TRACING = EnumSet.of(ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT,
            ProgType.RAW_TRACEPOINT, ProgType.TRACING);
    private static final FunctionProto MESSAGE = FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_CONST_STR);

    private final List<RegisteredKfunc> kfuncs = new ArrayList<>();
    private final Map<String, List<ProgRef>> users = new HashMap<>();

    /** Stand-ins that append each call to {@code log}. */
    StandInKfuncs(List<String> log) {
        add(new KfuncDescriptor("bpf_panic", MESSAGE, Set.of(KfuncFlag.KF_DESTRUCTIVE), TRACING), log, true);
        add(new KfuncDescriptor("crash_kexec", FunctionProto.of(RetType.INTEGER), Set.of(KfuncFlag.KF_DESTRUCTIVE), TRACING), log, false);
        add(new KfuncDescriptor("bpf_console_print", MESSAGE, Set.of(), EnumSet.allOf(ProgType.class)), log, true);
    }

    private void add(KfuncDescriptor d, List<String> log, boolean message) {
        int id = kfuncs.size() + 1;
        kfuncs.add(new RegisteredKfunc(id, "stand-ins", "test", new BpfKfunc(d, (ctx, r1, r2, r3, r4, r5) -> {
            log.add("kfunc " + d.name() + "(" + Long.toHexString(r1) + ", " + Long.toHexString(r2) + ", " + Long.toHexString(r3) + ", "
                    + Long.toHexString(r4) + ", " + Long.toHexString(r5) + ")" + (message ? " \"" + ctx.readCString(r1, 1024) + "\"" : ""));
            return 0;
        })));
    }

    @Override
    public Optional<RegisteredKfunc> byName(String name) { return kfuncs.stream().filter(k -> k.name().equals(name)).findFirst(); }

    @Override
    public Optional<RegisteredKfunc> byId(int id) { return id >= 1 && id <= kfuncs.size() ? Optional.of(kfuncs.get(id - 1)) : Optional.empty(); }

    @Override
    public List<RegisteredKfunc> all() { return List.copyOf(kfuncs); }

    @Override
    public void recordUser(ProgRef prog, Collection<String> kfuncNames) {
        forgetUser(prog.id());
        for (String n : kfuncNames) users.computeIfAbsent(n, x -> new ArrayList<>()).add(prog);
    }

    @Override
    public void forgetUser(int progId) { users.values().forEach(l -> l.removeIf(p -> p.id() == progId)); }

    @Override
    public List<ProgRef> users(String kfuncName) { return List.copyOf(users.getOrDefault(kfuncName, List.of())); }

    @Override
    public void addListener(KfuncRegistryListener listener) { }

    @Override
    public void removeListener(KfuncRegistryListener listener) { }
}
