package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.helpers.tracing.osgi.TracingHelperProvider;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.RetType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The helper set as a whole: Linux's ids, names and GPL restrictions, who may call what, and what
 * the runtime does with the set (unknown without it, unloaded when it goes).
 */
class HelperSetTest {
    /** Linux's enum bpf_func_id and gpl_only of each helper of issue 6 (include/uapi/linux/bpf.h, kernel/trace/bpf_trace.c, kernel/bpf/helpers.c). */
    private static final Map<Integer, String> LINUX = new TreeMap<>(Map.ofEntries(
            Map.entry(1, "map_lookup_elem"), Map.entry(2, "map_update_elem"), Map.entry(3, "map_delete_elem"),
            Map.entry(4, "probe_read GPL"), Map.entry(5, "ktime_get_ns"), Map.entry(6, "trace_printk GPL"),
            Map.entry(7, "get_prandom_u32"), Map.entry(8, "get_smp_processor_id"), Map.entry(12, "tail_call"),
            Map.entry(14, "get_current_pid_tgid"), Map.entry(15, "get_current_uid_gid"), Map.entry(16, "get_current_comm"),
            Map.entry(25, "perf_event_output GPL"), Map.entry(45, "probe_read_str GPL"), Map.entry(112, "probe_read_user GPL"),
            Map.entry(113, "probe_read_kernel GPL"), Map.entry(114, "probe_read_user_str GPL"),
            Map.entry(115, "probe_read_kernel_str GPL"), Map.entry(118, "jiffies64"), Map.entry(125, "ktime_get_boot_ns"),
            Map.entry(130, "ringbuf_output"), Map.entry(131, "ringbuf_reserve"), Map.entry(132, "ringbuf_submit"),
            Map.entry(133, "ringbuf_discard"), Map.entry(134, "ringbuf_query"), Map.entry(165, "snprintf GPL"),
            Map.entry(181, "loop")));

    private static final Set<ProgType> TRACING = EnumSet.of(ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT,
            ProgType.RAW_TRACEPOINT, ProgType.TRACING);

    private static List<HelperDescriptor> descriptors() {
        return new TracingHelperProvider().helpers().stream().map(BpfHelper::descriptor).toList();
    }

    @Test
    void theProviderOffersExactlyIssueSixsHelpersWithLinuxIdsNamesAndGplFlags() {
        List<HelperDescriptor> all = descriptors();
        Map<Integer, String> offered = new TreeMap<>();
        for (HelperDescriptor d : all) {
            assertNull(offered.put(d.id(), d.name() + (d.gplOnly() ? " GPL" : "")), "id " + d.id() + " offered twice");
        }
        assertEquals(LINUX, offered);
        assertEquals(27, all.size());
        for (HelperDescriptor d : all) assertEquals("bpf_" + d.name(), d.funcName());
    }

    @Test
    void everyTracingTypeMayCallEveryHelper() {
        for (HelperDescriptor d : descriptors()) assertTrue(d.progTypes().containsAll(TRACING), d.funcName() + " " + d.progTypes());
    }

    @Test
    void otherTypesGetWhatLinuxGivesThem() {
        Map<ProgType, Set<Integer>> byType = new TreeMap<>();
        for (ProgType t : List.of(ProgType.SOCKET_FILTER, ProgType.XDP, ProgType.LIRC_MODE2)) {
            byType.put(t, descriptors().stream().filter(d -> d.progTypes().contains(t)).map(HelperDescriptor::id)
                    .collect(Collectors.toCollection(java.util.TreeSet::new)));
        }
        assertEquals(Set.of(1, 2, 3, 5, 7, 8, 12, 118, 125, 130, 131, 132, 133, 134, 181), byType.get(ProgType.SOCKET_FILTER),
                "bpf_base_func_proto without CAP_PERFMON helpers (an unprivileged user may load socket filters)");
        assertEquals(Set.of(1, 2, 3, 5, 6, 7, 8, 12, 118, 125, 130, 131, 132, 133, 134, 165, 181), byType.get(ProgType.XDP),
                "bpf_base_func_proto for a privileged loader");
        assertEquals(Set.of(1, 2, 3, 5, 6, 7, 12, 125), byType.get(ProgType.LIRC_MODE2), "lirc_mode2_func_proto");
    }

    @Test
    void prototypesAreTheKernels() {
        Map<Integer, HelperDescriptor> byId = descriptors().stream().collect(Collectors.toMap(HelperDescriptor::id, d -> d));
        assertEquals(RetType.PTR_TO_MAP_VALUE_OR_NULL, byId.get(1).proto().ret());
        assertEquals(List.of(ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY, ArgType.PTR_TO_MAP_VALUE, ArgType.ANYTHING), byId.get(2).proto().args());
        assertEquals(List.of(ArgType.PTR_TO_MEM, ArgType.CONST_SIZE), byId.get(6).proto().args(), "trace_printk declares fmt and fmt_size only");
        assertEquals(RetType.VOID, byId.get(12).proto().ret(), "tail_call");
        assertEquals(List.of(ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE), byId.get(16).proto().args());
        assertEquals(List.of(ArgType.PTR_TO_CTX, ArgType.CONST_MAP_PTR, ArgType.ANYTHING, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE_OR_ZERO),
                byId.get(25).proto().args());
        for (int id : new int[] {4, 45, 112, 113, 114, 115}) {
            assertEquals(List.of(ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE_OR_ZERO, ArgType.ANYTHING), byId.get(id).proto().args());
        }
        assertEquals(RetType.PTR_TO_ALLOC_MEM_OR_NULL, byId.get(131).proto().ret());
        assertEquals(List.of(ArgType.PTR_TO_ALLOC_MEM, ArgType.ANYTHING), byId.get(132).proto().args());
        assertEquals(RetType.VOID, byId.get(133).proto().ret());
        assertEquals(List.of(ArgType.PTR_TO_MEM_OR_NULL, ArgType.CONST_SIZE_OR_ZERO, ArgType.PTR_TO_CONST_STR,
                ArgType.PTR_TO_MEM_OR_NULL, ArgType.CONST_SIZE_OR_ZERO), byId.get(165).proto().args());
        assertEquals(List.of(ArgType.ANYTHING, ArgType.PTR_TO_FUNC, ArgType.PTR_TO_STACK_OR_NULL, ArgType.ANYTHING), byId.get(181).proto().args());
        for (int id : new int[] {5, 7, 8, 14, 15, 118, 125}) assertTrue(byId.get(id).proto().args().isEmpty(), "helper " + id);
    }

    @Test
    void theVerifierEnforcesCallerTypesAndGpl() {
        try (HelperRuntime k = new HelperRuntime()) {
            BpfException e = assertThrows(BpfException.class,
                    () -> k.bpf.progLoad(ProgLoadAttr.of(ProgType.SOCKET_FILTER, "pid", HelperRuntime.asm("call 14\nexit"))));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue((e.getMessage() + e.log()).contains("program of this type cannot use helper bpf_get_current_pid_tgid#14"), e.getMessage());
            assertEquals(Errno.EINVAL, assertThrows(BpfException.class,
                    () -> k.bpf.progLoad(ProgLoadAttr.of(ProgType.LIRC_MODE2, "rb", HelperRuntime.asm("call 8\nexit")))).errno());
            BpfException gpl = assertThrows(BpfException.class, () -> k.bpf.progLoad(ProgLoadAttr.of(ProgType.KPROBE, "gpl",
                    HelperRuntime.asm("mov %r1, %r10\nadd %r1, -8\nmov %r2, 8\nmov %r3, 0\ncall 113\nexit")).withLicense("Proprietary")));
            assertTrue((gpl.getMessage() + gpl.log()).contains("cannot call GPL-restricted function from non-GPL compatible program"), gpl.getMessage());
            ProgInfo ok = k.bpf.progLoad(ProgLoadAttr.of(ProgType.KPROBE, "nongpl", HelperRuntime.asm("call 14\nexit")).withLicense("Proprietary"));
            assertEquals(List.of("bpf_get_current_pid_tgid"), ok.helpers());
        }
    }

    @Test
    void withoutTheBundleHelpersAreUnknownAndItsUsersGoWithIt() {
        try (HelperRuntime k = new HelperRuntime()) {
            int map = k.map(MapType.ARRAY, 4, 8, 1);
            ProgInfo user = k.load(ProgType.TRACEPOINT, "user", "call 5\nexit\n");
            ProgInfo mapUser = k.load(ProgType.TRACEPOINT, "mapuser", """
                    stw [%r10-4], 0
                    lddw %r1, map:MAP
                    mov %r2, %r10
                    add %r2, -4
                    call 1
                    mov %r0, 0
                    exit
                    """.replace("MAP", Integer.toString(map)));
            ProgInfo plain = k.load(ProgType.TRACEPOINT, "plain", "mov %r0, 1\nexit\n");
            k.bpf.removeHelperProvider(HelperRuntime.PROVIDER, HelperRuntime.PROVIDER_NAME);
            assertEquals(List.of(plain.id()), k.bpf.progList().stream().map(ProgInfo::id).toList());
            String dmesg = k.dmesg();
            assertTrue(dmesg.contains("prog " + user.id() + " (user) detached and unloaded: helper bpf_ktime_get_ns#5 is gone"), dmesg);
            assertTrue(dmesg.contains("prog " + mapUser.id() + " (mapuser) detached and unloaded: helper bpf_map_lookup_elem#1 is gone"), dmesg);
            BpfException e = assertThrows(BpfException.class,
                    () -> k.bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "again", HelperRuntime.asm("call 5\nexit"))));
            assertTrue((e.getMessage() + e.log()).contains("unknown func bpf_ktime_get_ns#5"), e.getMessage());
        }
    }
}
