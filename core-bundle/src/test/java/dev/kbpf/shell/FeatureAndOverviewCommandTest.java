package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.ProgType;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.sysctl.InMemorySysctlStore;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.api.Credentials;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class FeatureAndOverviewCommandTest {

    @Test
    void featureTellsTypesHelpersKfuncsAndJit() throws Exception {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        try {
            SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(new InMemorySysctlStore(), s, Clock.systemUTC(), w -> {});
            Fixtures.FakeKfuncs reg = new Fixtures.FakeKfuncs().add(7, "bpf_panic", Set.of(KfuncFlag.KF_DESTRUCTIVE), Set.of(ProgType.TRACEPOINT));
            try (Shell shell = new Shell(new FeatureCommand(Fixtures.helperTable(), reg, sysctls))) {
                String out = shell.run("bpf:feature");
                assertTrue(out.startsWith("JIT compiler: on (net.core.bpf_jit_enable = 1)\nhelper table: present\nkfunc registry: present\n"), out);
                assertTrue(out.contains("\ntracepoint      5   yes      2        1\n"), out);
                assertTrue(out.contains("\nlirc_mode2      20  no       0        0\n"), out);
                assertTrue(out.contains("map types: hash(1) array(2)"), out);
                assertTrue(out.contains("for program type tracepoint:\n\t- bpf_map_lookup_elem\n\t- bpf_trace_printk\n\t- bpf_panic (kfunc)\n"), out);
                JsonNode j = Fixtures.json(shell.run("bpf:feature --json"));
                assertTrue(j.get("jit_enabled").asBoolean());
                assertEquals(ProgType.values().length, j.get("prog_types").size());
                JsonNode xdp = null;
                for (JsonNode t : j.get("prog_types")) if (t.get("name").asText().equals("xdp")) xdp = t;
                assertNotNull(xdp);
                assertEquals(1, xdp.get("helpers").size());
                assertEquals(0, xdp.get("kfuncs").size());
                assertFalse(xdp.get("tracing").asBoolean());
                sysctls.set("net.core.bpf_jit_enable", 0, Credentials.root());
                assertTrue(shell.run("bpf:feature").startsWith("JIT compiler: off"));
            }
            try (Shell bare = new Shell(new FeatureCommand(null, null, null))) {
                String out = bare.run("bpf:feature");
                assertTrue(out.contains("JIT compiler: unknown"), out);
                assertTrue(out.contains("kfunc registry: not present (no kfunc resolves)"), out);
                JsonNode j = Fixtures.json(bare.run("bpf:feature -j"));
                assertTrue(j.get("jit_enabled").isNull());
                assertFalse(j.get("kfunc_registry").asBoolean());
            }
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void overviewNamesEveryCommand() throws Exception {
        try (Shell shell = new Shell(new OverviewCommand())) {
            String out = shell.run("bpf:bpf");
            for (String c : new String[] {"prog", "map", "link", "tracepoint", "helpers", "kfuncs", "kfunc", "sysctl", "dmesg", "tracelog",
                    "crash", "feature", "ids"})
                assertTrue(out.contains("\n  " + c + " "), c + " missing from\n" + out);
            assertTrue(out.contains("--caps"), out);
            assertTrue(out.contains("0x01000000"), out);
        }
    }

    @Test
    void everyCommandMethodAndOptionHasHelpText() {
        for (Class<?> c : new Class<?>[] {ProgCommand.class, MapCommand.class, LinkCommand.class, TracepointCommand.class, HelperCommand.class,
                KfuncCommand.class, SysctlCommand.class, DmesgCommand.class, TracelogCommand.class, FeatureCommand.class, IdsCommand.class,
                OverviewCommand.class}) {
            int commands = 0;
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) continue;
                commands++;
                assertNotNull(m.getAnnotation(org.apache.felix.service.command.Descriptor.class), c.getSimpleName() + "." + m.getName());
                for (int i = 0; i < m.getParameterCount(); i++) {
                    if (m.getParameterTypes()[i] == org.apache.felix.service.command.CommandSession.class) continue;
                    boolean described = false;
                    for (var a : m.getParameterAnnotations()[i]) described |= a instanceof org.apache.felix.service.command.Descriptor;
                    assertTrue(described, c.getSimpleName() + "." + m.getName() + " parameter " + i + " has no @Descriptor");
                    // an int option would make Gogo evaluate every token (01 -> 1, 2d -> 2.0): options are strings or flags
                    assertTrue(m.getParameterTypes()[i] == String.class || m.getParameterTypes()[i] == boolean.class
                            || m.getParameterTypes()[i] == String[].class, c.getSimpleName() + "." + m.getName() + " parameter " + i);
                }
            }
            assertTrue(commands > 0, c.getSimpleName());
        }
    }
}
