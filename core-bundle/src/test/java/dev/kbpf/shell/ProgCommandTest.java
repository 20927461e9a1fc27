package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Capability;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TestRunResult;
import dev.kbpf.api.TracepointField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgCommandTest {

    @TempDir
    Path dir;

    FakeBpf bpf;
    Fixtures.FakeKfuncs kfuncs;
    Shell shell;
    int tpProg, jitProg;

    @BeforeEach
    void setUp() {
        bpf = new FakeBpf();
        kfuncs = new Fixtures.FakeKfuncs();
        tpProg = bpf.addProg(Fixtures.prog("count", ProgType.TRACEPOINT, false));
        jitProg = bpf.addProg(Fixtures.prog("fast", ProgType.KPROBE, true));
        bpf.defineTracepoint("test", "tick", List.of(TracepointField.u64("n", 0)));
        shell = new Shell(new ProgCommand(bpf, Fixtures.helperTable(), kfuncs));
    }

    @AfterEach
    void tearDown() { shell.close(); }

    @Test
    void listIsATableOfEveryProgram() throws Exception {
        String out = shell.run("bpf:prog list");
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(0).startsWith("ID  NAME   TYPE"), out);
        assertTrue(lines.get(1).matches(tpProg + "\\s+count\\s+tracepoint\\s+[0-9a-f]{16}\\s+5\\s+no\\s+-\\s+2026-11-25T12:00:00Z"), out);
        assertTrue(lines.get(2).matches(jitProg + "\\s+fast\\s+kprobe\\s+.*\\s+yes\\s+.*"), out);
        assertEquals(out, shell.run("bpf:prog"), "list is the default sub-command");
    }

    @Test
    void listAsJsonHasBpftoolNames() throws Exception {
        JsonNode progs = Fixtures.json(shell.run("bpf:prog list --json"));
        assertTrue(progs.isArray());
        assertEquals(2, progs.size());
        JsonNode p = progs.get(0);
        assertEquals(tpProg, p.get("id").asInt());
        assertEquals("count", p.get("name").asText());
        assertEquals("tracepoint", p.get("type").asText());
        assertEquals(bpf.progShow(tpProg).tag(), p.get("tag").asText());
        assertEquals("2026-11-25T12:00:00Z", p.get("loaded_at").asText());
        assertTrue(p.get("map_ids").isArray());
        assertEquals("bpf_map_lookup_elem", p.get("helpers").get(0).asText());
        assertFalse(progs.get(0).get("jited").asBoolean());
        assertTrue(progs.get(1).get("jited").asBoolean());
        assertEquals(2_345, progs.get(1).get("bytes_jited").asInt(), "bpftool's name for the size of the JIT's code");
        assertEquals(0, progs.get(0).get("bytes_jited").asInt());
        assertEquals(progs, Fixtures.json(shell.run("bpf:prog -j list")), "-j anywhere on the line");
    }

    @Test
    void showPrintsOneProgramAndUnknownIdsFailWithTheErrno() throws Exception {
        String out = shell.run("bpf:prog show " + tpProg);
        assertTrue(out.contains("name:        count"), out);
        assertTrue(out.contains("type:        tracepoint"), out);
        assertTrue(out.contains("jited:       no (interpreter)"), out);
        String jited = shell.run("bpf:prog show " + jitProg);
        assertTrue(jited.contains("jited:       yes, 2345 bytes of JVM class compiled in 0.456 ms"), jited);
        assertTrue(jited.contains("run_time_ns: 1000  run_cnt 8  (125.0 ns per run)"), jited);
        assertFalse(out.contains("run_time_ns"), "no runs counted: no line, as bpftool");
        JsonNode stats = Fixtures.json(shell.run("bpf:prog show " + jitProg + " --json"));
        assertEquals(1000, stats.get("run_time_ns").asLong());
        assertEquals(8, stats.get("run_cnt").asLong());
        assertEquals(tpProg, Fixtures.json(shell.run("bpf:prog show id " + tpProg + " --json")).get("id").asInt());
        String err = shell.fail("bpf:prog show 99");
        assertTrue(err.startsWith("ENOENT (errno 2): no program 99"), err);
        assertTrue(shell.fail("bpf:prog show seven").contains("'seven' is not a program id"));
        assertTrue(shell.fail("bpf:prog frobnicate").contains("usage: prog list"));
        // with --json, a failure is bpftool's error object
        JsonNode error = Fixtures.json(shell.fail("bpf:prog show 99 --json"));
        assertEquals(1, error.size(), error.toString());
        assertTrue(error.get("error").asText().startsWith("ENOENT (errno 2): no program 99"), error.toString());
        assertTrue(Fixtures.json(shell.fail("bpf:prog -j frobnicate")).get("error").asText().contains("usage: prog list"));
    }

    @Test
    void loadPassesEveryOptionToTheService() throws Exception {
        Path obj = Files.write(dir.resolve("counter.o"), new byte[] {0x7f, 'E', 'L', 'F'});
        bpf.nextObject.add(Fixtures.prog("count_events", ProgType.TRACEPOINT, false));
        bpf.nextObjectMaps.add(MapAttr.of(MapType.HASH, 4, 8, 16).withName("counts"));
        String out = shell.run("bpf:prog load " + obj + " tracepoint/test/tick --type kprobe --destructive --log 1"
                + " --caps CAP_BPF,perfmon --attach test:tick");
        var attr = bpf.objLoads.get(0);
        assertEquals(obj, attr.file());
        assertEquals("tracepoint/test/tick", attr.program().orElseThrow());
        assertEquals(ProgType.KPROBE, attr.type().orElseThrow());
        assertEquals(LoadFlags.BPF_F_DESTRUCTIVE, attr.flags());
        assertEquals(1, attr.logLevel());
        assertEquals(EnumSet.of(Capability.CAP_BPF, Capability.CAP_PERFMON), attr.credentials().capabilities());
        assertTrue(out.startsWith("loaded counter: 1 program, 1 map\n"), out);
        assertTrue(out.contains("count_events  kprobe"), out);
        assertTrue(out.contains("counts"), out);
        assertTrue(out.matches("(?s).*attached program \\d+ to test:tick: link \\d+.*"), out);
        assertTrue(out.contains("verifier log of program"), out);
        assertTrue(out.contains("processed 5 insns"), out);
        assertEquals(1, bpf.linkList().size());
    }

    @Test
    void loadWithoutOptionsHoldsEveryCapabilityAndLoadsEveryProgram() throws Exception {
        Path obj = Files.write(dir.resolve("two.o"), new byte[] {1});
        bpf.nextObject.add(Fixtures.prog("a", ProgType.TRACEPOINT, false));
        bpf.nextObject.add(Fixtures.prog("b", ProgType.TRACEPOINT, false));
        JsonNode v = Fixtures.json(shell.run("bpf:prog load " + obj + " -j"));
        var attr = bpf.objLoads.get(0);
        assertEquals(Set.of(Capability.values()), attr.credentials().capabilities());
        assertTrue(attr.program().isEmpty());
        assertTrue(attr.type().isEmpty());
        assertEquals(0, attr.flags());
        assertEquals("two", v.get("object").asText());
        assertEquals(2, v.get("programs").size());
        assertEquals("a", v.get("programs").get(0).get("name").asText());
        assertEquals(0, v.get("links").size());
        assertEquals(0, v.get("verifier_logs").size());
    }

    @Test
    void aRejectedLoadFailsWithErrnoAndVerifierLog() throws Exception {
        Path obj = Files.write(dir.resolve("panic.o"), new byte[] {1});
        bpf.nextLoadFailure = new BpfException(Errno.EACCES, "destructive kfunc calls require CAP_SYS_BOOT capability",
                "0: R1=ctx() R10=fp0\n0: (85) call bpf_panic#100\ndestructive kfunc calls require CAP_SYS_BOOT capability\n");
        String err = shell.fail("bpf:prog load " + obj + " --caps bpf,perfmon");
        assertTrue(err.startsWith("EACCES (errno 13): destructive kfunc calls require CAP_SYS_BOOT capability\nverifier log:\n"), err);
        assertTrue(err.contains("0: (85) call bpf_panic#100"), err);
        assertTrue(shell.fail("bpf:prog load " + obj + " --caps none").startsWith("EPERM (errno 1)"));
        assertTrue(shell.fail("bpf:prog load " + dir.resolve("missing.o")).startsWith("ENOENT"));
        assertTrue(shell.fail("bpf:prog load " + obj + " --caps CAP_FLY").contains("unknown capability 'CAP_FLY'"));
        assertTrue(shell.fail("bpf:prog load " + obj + " --type toaster").contains("unknown program type 'toaster'"));
        assertTrue(shell.fail("bpf:prog load " + obj + " --log 9").contains("0..7"));
    }

    @Test
    void dumpXlatedDisassemblesWithHelperNames() throws Exception {
        String out = shell.run("bpf:prog dump xlated " + tpProg);
        assertEquals(List.of("   0: (b7) r0 = 0", "   1: (15) if r1 == 0x0 goto pc+1", "   2: (b7) r0 = 1",
                "   3: (85) call bpf_map_lookup_elem#1", "   4: (95) exit"), out.lines().toList());
        JsonNode insns = Fixtures.json(shell.run("bpf:prog dump xlated " + tpProg + " --json"));
        assertEquals(5, insns.size());
        assertEquals("call bpf_map_lookup_elem#1", insns.get(3).get("disasm").asText());
        assertEquals("0x85", insns.get(3).get("opcode").asText());
        assertEquals("85 00 00 00 01 00 00 00", insns.get(3).get("raw").asText());
        // without a helper table the kernel's "unknown" name is printed
        try (Shell bare = new Shell(new ProgCommand(bpf, null, null))) {
            assertTrue(bare.run("bpf:prog dump xlated " + tpProg).contains("call unknown#1"));
        }
    }

    @Test
    void dumpJitedShowsCodeOrSaysTheInterpreterRunsIt() throws Exception {
        assertEquals("ALOAD 0\nLRETURN\n", shell.run("bpf:prog dump jited " + jitProg));
        assertTrue(shell.run("bpf:prog dump jited " + tpProg).startsWith("no instructions returned"));
        JsonNode j = Fixtures.json(shell.run("bpf:prog dump jited " + jitProg + " -j"));
        assertTrue(j.get("jited").asBoolean());
        assertEquals("LRETURN", j.get("code").get(1).asText());
        assertFalse(Fixtures.json(shell.run("bpf:prog dump jited " + tpProg + " -j")).get("jited").asBoolean());
    }

    @Test
    void dumpVisualPrintsTheControlFlowGraphInDot() throws Exception {
        String dot = shell.run("bpf:prog dump visual " + tpProg);
        assertTrue(dot.startsWith("digraph \"DOT graph for eBPF program\" {\nsubgraph \"cluster_0\" {"), dot);
        assertTrue(dot.contains("fn_0_bb_0 [shape=Mdiamond,style=filled,label=\"ENTRY\"];"), dot);
        assertTrue(dot.contains("1: (15) if r1 == 0x0 goto pc+1\\l"), dot);
        // block 2 = insns 0-1, block 3 = insn 2, block 4 = insns 3-4; the branch goes 2 -> 3 and 2 -> 4
        assertTrue(dot.contains("fn_0_bb_2:s -> fn_0_bb_3:n"), dot);
        assertTrue(dot.contains("fn_0_bb_2:s -> fn_0_bb_4:n"), dot);
        assertTrue(dot.contains("fn_0_bb_4:s -> fn_0_bb_1:n"), dot);
        assertEquals(dot, Fixtures.json(shell.run("bpf:prog dump visual " + tpProg + " --json")).get("dot").asText());
        assertTrue(shell.fail("bpf:prog dump sideways " + tpProg).contains("xlated, jited or visual"));
    }

    @Test
    void runPassesContextAndRepeatAndShowsTheResult() throws Exception {
        bpf.nextRun = new TestRunResult(42, 87, 1000, HexFormat.of().parseHex("2a000000"));
        String out = shell.run("bpf:prog run " + tpProg + " --ctx 0x0100 --repeat 1000 02 03");
        assertArrayEquals(new byte[] {1, 0, 2, 3}, bpf.lastRunCtx);
        assertEquals(1000, bpf.lastRunRepeat);
        assertTrue(out.contains("retval:      42 (0x2a)"), out);
        assertTrue(out.contains("duration:    87 ns (mean of 1000 runs)"), out);
        assertTrue(out.contains("ctx_out:     2a 00 00 00"), out);
        JsonNode j = Fixtures.json(shell.run("bpf:prog run " + tpProg + " -j"));
        assertEquals(42, j.get("retval").asLong());
        assertEquals("2a000000", j.get("ctx_out").asText());
        // tokens arrive as written: 2d and 0f are bytes, not the numbers Gogo could make of them
        shell.run("bpf:prog run " + tpProg + " --ctx 2d 0f 'ff 0a' 00000001 --repeat 3");
        assertArrayEquals(new byte[] {0x2d, 0x0f, (byte) 0xff, 0x0a, 0, 0, 0, 1}, bpf.lastRunCtx);
        assertEquals(3, bpf.lastRunRepeat);
        assertTrue(shell.fail("bpf:prog run " + tpProg + " --ctx zz").contains("'zz' is not hex bytes"));
        assertTrue(shell.fail("bpf:prog run " + tpProg + " --repeat 0").contains("at least once"));
    }

    @Test
    void attachDetachAndUnload() throws Exception {
        String out = shell.run("bpf:prog attach " + tpProg + " test:tick");
        int link = bpf.linkList().get(0).id();
        assertEquals("attached program " + tpProg + " to test:tick: link " + link + "\n", out);
        assertEquals("detached link " + link + "\n", shell.run("bpf:prog detach " + link));
        assertTrue(bpf.linkList().isEmpty());
        JsonNode a = Fixtures.json(shell.run("bpf:prog attach " + tpProg + " test:tick --json"));
        assertEquals(tpProg, a.get("prog_id").asInt());
        assertEquals("test:tick", a.get("tracepoint").asText());
        assertTrue(shell.fail("bpf:prog attach " + tpProg + " test:nothing").startsWith("ENOENT"));
        assertEquals("unloaded program " + tpProg + "\n", shell.run("bpf:prog unload " + tpProg));
        assertThrows(BpfException.class, () -> bpf.progShow(tpProg));
        JsonNode u = Fixtures.json(shell.run("bpf:prog unload " + jitProg + " -j"));
        assertEquals("unloaded", u.get("action").asText());
        assertTrue(shell.run("bpf:prog list").startsWith("no programs loaded"));
        assertEquals("[]\n", shell.run("bpf:prog list --json"));
    }
}
