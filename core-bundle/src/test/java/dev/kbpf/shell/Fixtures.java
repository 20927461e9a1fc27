package dev.kbpf.shell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.shell.format.Json;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.HelperTable;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.spi.RetType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Programs, helpers and kfuncs the command tests share. */
final class Fixtures {
    private Fixtures() {}

    /** {@code r0 = 0; if r1 == 0 goto +1; r0 = 1; call 1; exit} — a branch, a helper call. */
    static final List<Insn> BRANCHY = List.of(
            new Insn(0xb7, 0, 0, 0, 0),
            new Insn(0x15, 1, 0, 1, 0),
            new Insn(0xb7, 0, 0, 0, 1),
            new Insn(0x85, 0, 0, 0, 1),
            new Insn(0x95, 0, 0, 0, 0));

    static final HelperDescriptor MAP_LOOKUP = new HelperDescriptor(1, "map_lookup_elem",
            FunctionProto.of(RetType.PTR_TO_MAP_VALUE_OR_NULL, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
            Set.of(ProgType.TRACEPOINT, ProgType.KPROBE, ProgType.XDP), false);
    static final HelperDescriptor TRACE_PRINTK = new HelperDescriptor(6, "trace_printk",
            FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE), Set.of(ProgType.TRACEPOINT, ProgType.KPROBE), true);

    static HelperTable helperTable() {
        return () -> List.of(TRACE_PRINTK, MAP_LOOKUP);
    }

    static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    static FakeBpf.FakeProg prog(String name, ProgType type, boolean jited) {
        return new FakeBpf.FakeProg(name, type, BRANCHY, jited, jited ? "ALOAD 0\nLRETURN" : "");
    }

    /** A kfunc registry in memory: kfuncs and their users. */
    static final class FakeKfuncs implements KfuncRegistry {
        final List<RegisteredKfunc> kfuncs = new ArrayList<>();
        final Map<String, List<ProgRef>> users = new HashMap<>();

        FakeKfuncs add(int id, String name, Set<KfuncFlag> flags, Set<ProgType> types) {
            kfuncs.add(new RegisteredKfunc(id, "destructive", "dev.kbpf.helpers.destructive",
                    new BpfKfunc(new KfuncDescriptor(name, FunctionProto.of(RetType.VOID, ArgType.PTR_TO_CONST_STR), flags, types),
                            (ctx, a, b, c, d, e) -> 0)));
            return this;
        }

        @Override public Optional<RegisteredKfunc> byName(String name) { return kfuncs.stream().filter(k -> k.name().equals(name)).findFirst(); }
        @Override public Optional<RegisteredKfunc> byId(int id) { return kfuncs.stream().filter(k -> k.id() == id).findFirst(); }
        @Override public List<RegisteredKfunc> all() { return List.copyOf(kfuncs); }
        @Override public void recordUser(ProgRef prog, Collection<String> names) { for (String n : names) users.computeIfAbsent(n, x -> new ArrayList<>()).add(prog); }
        @Override public void forgetUser(int progId) { users.values().forEach(l -> l.removeIf(p -> p.id() == progId)); }
        @Override public List<ProgRef> users(String name) { return users.getOrDefault(name, List.of()); }
        @Override public void addListener(KfuncRegistryListener l) {}
        @Override public void removeListener(KfuncRegistryListener l) {}
    }
}
