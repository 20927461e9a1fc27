package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.ProgType;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.ProgRef;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HelperAndKfuncCommandTest {

    @Test
    void helpersByIdWithPrototypesAndFilterByType() throws Exception {
        try (Shell shell = new Shell(new HelperCommand(Fixtures.helperTable()))) {
            String out = shell.run("bpf:helpers");
            List<String> lines = out.lines().toList();
            assertEquals(3, lines.size(), out);
            assertTrue(lines.get(1).startsWith("1   bpf_map_lookup_elem  -    RET_PTR_TO_MAP_VALUE_OR_NULL bpf_map_lookup_elem(ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY)"), out);
            assertTrue(lines.get(1).endsWith("kprobe,tracepoint,xdp"), out);
            assertTrue(lines.get(2).startsWith("6   bpf_trace_printk     gpl"), out);
            JsonNode xdp = Fixtures.json(shell.run("bpf:helpers --type xdp --json"));
            assertEquals(1, xdp.size());
            assertEquals(1, xdp.get(0).get("id").asInt());
            assertEquals("PTR_TO_MAP_VALUE_OR_NULL", xdp.get(0).get("ret").asText());
            assertEquals("CONST_MAP_PTR", xdp.get(0).get("args").get(0).asText());
            assertFalse(xdp.get(0).get("gpl_only").asBoolean());
            assertEquals(2, Fixtures.json(shell.run("bpf:helpers -t BPF_PROG_TYPE_TRACEPOINT -j")).size());
            assertTrue(shell.fail("bpf:helpers --type toaster").contains("unknown program type 'toaster'"));
        }
        try (Shell none = new Shell(new HelperCommand(null))) {
            assertEquals("the helper table is not present", none.fail("bpf:helpers"));
        }
    }

    @Test
    void kfuncsAndTheirUsers() throws Exception {
        Fixtures.FakeKfuncs reg = new Fixtures.FakeKfuncs()
                .add(7, "bpf_panic", Set.of(KfuncFlag.KF_DESTRUCTIVE), Set.of(ProgType.TRACEPOINT, ProgType.KPROBE))
                .add(8, "bpf_console_print", Set.of(), Set.of(ProgType.TRACEPOINT));
        reg.recordUser(new ProgRef(3, "panic_on_gc", "0011223344556677"), List.of("bpf_panic"));
        try (Shell shell = new Shell(new KfuncCommand(reg))) {
            String out = shell.run("bpf:kfuncs");
            assertTrue(out.startsWith("ID  NAME               FLAGS           PROGRAM TYPES      PROVIDER"), out);
            assertTrue(out.contains("7   bpf_panic          KF_DESTRUCTIVE  kprobe,tracepoint  dev.kbpf.helpers.destructive  RET_VOID bpf_panic(ARG_PTR_TO_CONST_STR)"), out);
            JsonNode j = Fixtures.json(shell.run("bpf:kfuncs --json"));
            assertTrue(j.get("registry").asBoolean());
            assertEquals("bpf_console_print", j.get("kfuncs").get(0).get("name").asText());
            assertEquals("KF_DESTRUCTIVE", j.get("kfuncs").get(1).get("flags").get(0).asText());

            assertEquals("PROG  NAME         TAG\n3     panic_on_gc  0011223344556677\n", shell.run("bpf:kfunc users bpf_panic"));
            assertEquals("no loaded program calls bpf_console_print\n", shell.run("bpf:kfunc users bpf_console_print"));
            JsonNode u = Fixtures.json(shell.run("bpf:kfunc users bpf_panic -j"));
            assertEquals("bpf_panic", u.get("kfunc").asText());
            assertEquals(3, u.get("programs").get(0).get("id").asInt());
            assertTrue(shell.fail("bpf:kfunc owners bpf_panic").contains("usage: kfunc users NAME"));
        }
        try (Shell none = new Shell(new KfuncCommand(null))) {
            assertEquals(KfuncCommand.ABSENT + "\n", none.run("bpf:kfuncs"));
            JsonNode j = Fixtures.json(none.run("bpf:kfuncs -j"));
            assertFalse(j.get("registry").asBoolean());
            assertEquals(0, j.get("kfuncs").size());
            assertEquals("the kfunc registry (bundle dev.kbpf.kfunc) is not present", none.fail("bpf:kfunc users bpf_panic"));
        }
    }
}
