package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.RetType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the set declares: which kfuncs are destructive, for which program types, with which prototypes. */
class DestructiveKfuncsTest {
    private final Map<String, BpfKfunc> set = DestructiveKfuncs.kfuncs(() -> {
        throw new AssertionError("declaring the set touches no machine");
    }).stream().collect(Collectors.toMap(BpfKfunc::name, Function.identity()));

    @Test
    void theDestructiveOnesAreForTracingTypesOnly() {
        assertEquals(Set.of("bpf_panic", "crash_kexec", "bpf_crash_dump", "bpf_halt", "bpf_reboot", "bpf_console_print"), set.keySet());
        Set<ProgType> tracing = EnumSet.of(ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT, ProgType.RAW_TRACEPOINT, ProgType.TRACING);
        for (String n : List.of("bpf_panic", "crash_kexec", "bpf_crash_dump", "bpf_halt", "bpf_reboot")) {
            assertEquals(Set.of(KfuncFlag.KF_DESTRUCTIVE), set.get(n).descriptor().flags(), n);
            assertEquals(tracing, set.get(n).descriptor().progTypes(), n);
            assertTrue(set.get(n).descriptor().progTypes().stream().allMatch(ProgType::isTracing), n);
        }
        assertEquals(Set.of(), set.get("bpf_console_print").descriptor().flags());
        assertEquals(EnumSet.allOf(ProgType.class), set.get("bpf_console_print").descriptor().progTypes());
    }

    @Test
    void messagesAreConstantStrings() {
        for (String n : List.of("bpf_panic", "bpf_crash_dump", "bpf_console_print"))
            assertEquals(List.of(ArgType.PTR_TO_CONST_STR), set.get(n).descriptor().proto().args(), n);
        for (String n : List.of("crash_kexec", "bpf_halt", "bpf_reboot"))
            assertEquals(List.of(), set.get(n).descriptor().proto().args(), n);
        assertTrue(set.values().stream().allMatch(k -> k.descriptor().proto().ret() == RetType.INTEGER), "-EPERM is visible when disarmed");
    }

    /** Every kfunc that examples/kbpf.h declares for C programs is in the set, with as many arguments. */
    @Test
    void everyKfuncOfKbpfHIsProvided() throws Exception {
        String h = Files.readString(Path.of("..", "examples", "kbpf.h"));
        Matcher m = Pattern.compile("extern\\s+\\w+\\s+(\\w+)\\(([^)]*)\\)\\s*__ksym;").matcher(h);
        int found = 0;
        while (m.find()) {
            found++;
            BpfKfunc k = set.get(m.group(1));
            assertNotNull(k, m.group(1) + " is declared in kbpf.h but not provided");
            int args = m.group(2).strip().equals("void") ? 0 : m.group(2).split(",").length;
            assertEquals(args, k.descriptor().proto().args().size(), m.group(1));
        }
        assertTrue(found >= 4, "kbpf.h declares the kfuncs: " + found);
    }
}
