package dev.kbpf.verifier;

import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.RetType;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.kbpf.spi.ArgType.*;

/**
 * The verifier's world in tests: helpers with Linux's prototypes, kfuncs like the destructive
 * bundle's, and a fixed set of maps by fd, modelled on the selftests' fixtures.
 */
final class TestEnv implements VerifierEnv {
    static final int HASH_8B = 1, ARRAY_48B = 2, RINGBUF = 3, RODATA = 4, PROG_ARRAY = 5, PERF_ARRAY = 6, COUNTS = 7,
            RODATA_NOTERM = 8, ARRAY_8B = 9;
    static final int KF_PANIC = 100, KF_CRASH_KEXEC = 101, KF_CONSOLE_PRINT = 102, KF_XDP_ONLY = 103, KF_OBJ_NEW = 104,
            KF_OBJ_DROP = 105, KF_HALT = 106;

    static final Set<ProgType> ALL = EnumSet.allOf(ProgType.class);
    static final Set<ProgType> TRACING = EnumSet.of(ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT,
            ProgType.RAW_TRACEPOINT, ProgType.TRACING);

    final Map<Integer, HelperDescriptor> helpers = new HashMap<>();
    final Map<Integer, ResolvedKfunc> kfuncs = new HashMap<>();
    final Map<Integer, MapInfo> maps = new HashMap<>();
    boolean registry = true;
    boolean sysctl = true;
    boolean gpl = true;
    boolean unprivDisabled = true;
    DestructivePolicy policy = DestructivePolicy.FULL;

    TestEnv() {
        helper(1, "map_lookup_elem", FunctionProto.of(RetType.PTR_TO_MAP_VALUE_OR_NULL, CONST_MAP_PTR, PTR_TO_MAP_KEY), ALL, false);
        helper(2, "map_update_elem", FunctionProto.of(RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING), ALL, false);
        helper(3, "map_delete_elem", FunctionProto.of(RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY), ALL, false);
        helper(4, "probe_read", FunctionProto.of(RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), TRACING, true);
        helper(5, "ktime_get_ns", FunctionProto.of(RetType.INTEGER), ALL, false);
        helper(6, "trace_printk", FunctionProto.of(RetType.INTEGER, PTR_TO_MEM, CONST_SIZE), ALL, true);
        helper(7, "get_prandom_u32", FunctionProto.of(RetType.INTEGER), ALL, false);
        helper(8, "get_smp_processor_id", FunctionProto.of(RetType.INTEGER), ALL, false);
        helper(12, "tail_call", FunctionProto.of(RetType.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING), ALL, false);
        helper(14, "get_current_pid_tgid", FunctionProto.of(RetType.INTEGER), TRACING, false);
        helper(16, "get_current_comm", FunctionProto.of(RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE), TRACING, false);
        helper(25, "perf_event_output", FunctionProto.of(RetType.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO), TRACING, true);
        helper(130, "ringbuf_output", FunctionProto.of(RetType.INTEGER, CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING), ALL, false);
        helper(131, "ringbuf_reserve", FunctionProto.of(RetType.PTR_TO_ALLOC_MEM_OR_NULL, CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING), ALL, false);
        helper(132, "ringbuf_submit", FunctionProto.of(RetType.VOID, PTR_TO_ALLOC_MEM, ANYTHING), ALL, false);
        helper(133, "ringbuf_discard", FunctionProto.of(RetType.VOID, PTR_TO_ALLOC_MEM, ANYTHING), ALL, false);
        helper(134, "ringbuf_query", FunctionProto.of(RetType.INTEGER, CONST_MAP_PTR, ANYTHING), ALL, false);
        helper(165, "snprintf", FunctionProto.of(RetType.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, PTR_TO_CONST_STR, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO), ALL, true);
        helper(181, "loop", FunctionProto.of(RetType.INTEGER, ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING), ALL, false);

        kfunc(KF_PANIC, "bpf_panic", FunctionProto.of(RetType.VOID, PTR_TO_CONST_STR), Set.of(KfuncFlag.KF_DESTRUCTIVE), TRACING);
        kfunc(KF_CRASH_KEXEC, "crash_kexec", FunctionProto.of(RetType.VOID), Set.of(KfuncFlag.KF_DESTRUCTIVE), TRACING);
        kfunc(KF_CONSOLE_PRINT, "bpf_console_print", FunctionProto.of(RetType.INTEGER, PTR_TO_CONST_STR), Set.of(), TRACING);
        kfunc(KF_XDP_ONLY, "bpf_xdp_thing", FunctionProto.of(RetType.INTEGER, ANYTHING), Set.of(), EnumSet.of(ProgType.XDP));
        kfunc(KF_OBJ_NEW, "bpf_obj_new", FunctionProto.of(RetType.PTR_TO_ALLOC_MEM_OR_NULL, CONST_ALLOC_SIZE_OR_ZERO),
                Set.of(KfuncFlag.KF_ACQUIRE, KfuncFlag.KF_RET_NULL), ALL);
        kfunc(KF_OBJ_DROP, "bpf_obj_drop", FunctionProto.of(RetType.VOID, PTR_TO_ALLOC_MEM), Set.of(KfuncFlag.KF_RELEASE), ALL);
        kfunc(KF_HALT, "bpf_halt", FunctionProto.of(RetType.VOID), Set.of(KfuncFlag.KF_DESTRUCTIVE), ALL);

        maps.put(HASH_8B, MapInfo.of(HASH_8B, MapType.HASH, 8, 8, 1, "map_hash_8b"));
        maps.put(ARRAY_48B, MapInfo.of(ARRAY_48B, MapType.ARRAY, 4, 48, 1, "map_array_48b"));
        maps.put(RINGBUF, MapInfo.of(RINGBUF, MapType.RINGBUF, 0, 0, 4096, "rb"));
        byte[] ro = new byte[16];
        byte[] s = "hello %d\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, ro, 0, s.length);
        ro[12] = 42;
        maps.put(RODATA, MapInfo.frozenArray(RODATA, ".rodata", ro));
        maps.put(PROG_ARRAY, MapInfo.of(PROG_ARRAY, MapType.PROG_ARRAY, 4, 4, 4, "jmp_table"));
        maps.put(PERF_ARRAY, MapInfo.of(PERF_ARRAY, MapType.PERF_EVENT_ARRAY, 4, 4, 4, "events"));
        maps.put(COUNTS, MapInfo.of(COUNTS, MapType.HASH, 4, 8, 1024, "counts"));
        maps.put(RODATA_NOTERM, MapInfo.frozenArray(RODATA_NOTERM, ".rodata.bad", "abcd".getBytes(StandardCharsets.US_ASCII)));
        maps.put(ARRAY_8B, MapInfo.of(ARRAY_8B, MapType.ARRAY, 4, 8, 16, "map_array_8b"));
    }

    void helper(int id, String name, FunctionProto p, Set<ProgType> types, boolean gplOnly) {
        helpers.put(id, new HelperDescriptor(id, name, p, types, gplOnly));
    }

    void kfunc(int id, String name, FunctionProto p, Set<KfuncFlag> flags, Set<ProgType> types) {
        kfuncs.put(id, new ResolvedKfunc(id, new KfuncDescriptor(name, p, flags, types)));
    }

    @Override public Optional<HelperDescriptor> helper(int id) { return Optional.ofNullable(helpers.get(id)); }
    @Override public boolean kfuncRegistryPresent() { return registry; }
    @Override public Optional<ResolvedKfunc> kfunc(int id) { return registry ? Optional.ofNullable(kfuncs.get(id)) : Optional.empty(); }
    @Override public Optional<MapInfo> map(int pseudo, int imm) { return Optional.ofNullable(maps.get(imm)); }
    @Override public boolean destructiveBpfEnabled() { return sysctl; }
    @Override public DestructivePolicy destructivePolicy() { return policy; }
    @Override public boolean gplCompatible() { return gpl; }
    @Override public boolean unprivilegedBpfDisabled() { return unprivDisabled; }
}
