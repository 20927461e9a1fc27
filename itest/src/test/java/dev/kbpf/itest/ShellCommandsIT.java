package dev.kbpf.itest;

import static org.junit.Assert.*;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Every {@code bpf:*} command run through the CommandProcessor in a real Felix with the real
 * runtime, as a person at the shell runs it: tables checked line by line where they are stable,
 * and {@code --json} parsed as JSON.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The size of an {@code osgi:bundle_event} record: the context of a program attached to it. */
    private static final int BUNDLE_EVENT_RECORD = 88;

    @Inject
    private BundleContext ctx;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework(frameworkProperty("kbpf.crash.dir").value(new File("target/shell-it-crash").getAbsolutePath()),
                frameworkProperty("kbpf.examples.dir").value(new File("../examples").getAbsolutePath()));
    }

    private String run(String command) throws Exception {
        return Gogo.run(ctx, command);
    }

    private JsonNode json(String command) throws Exception {
        return JSON.readTree(run(command));
    }

    /** The message of the exception the command fails with; fails the test if it does not fail. */
    private String fail(String command) {
        String out;
        try {
            out = run(command);
        } catch (Exception e) {
            Throwable t = e;
            while (t instanceof InvocationTargetException && t.getCause() != null) t = t.getCause();
            return t.getMessage();
        }
        throw new AssertionError("'" + command + "' did not fail; it printed:\n" + out);
    }

    /**
     * The helper-free test object (a global counter in .bss and a branch), copied out of the test
     * bundle under its own name: the object's name prefixes its internal map ({@code shell_hits.bss}).
     */
    private Path hitsObject() throws Exception {
        Path f = Files.createTempDirectory("shell-it").resolve("shell_hits.o");
        try (InputStream in = getClass().getResourceAsStream("/dev/kbpf/itest/shell_hits.o")) {
            assertNotNull("shell_hits.o is not in the test bundle", in);
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    private static int firstInt(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue("no match for " + regex + " in:\n" + text, m.find());
        return Integer.parseInt(m.group(1));
    }

    @Test
    public void overviewAndFeature() throws Exception {
        String overview = run("bpf:bpf");
        assertTrue(overview, overview.contains("  prog       list | show ID"));
        // gogo.command's help shows every option of a command with its @Descriptor text
        String help = run("help bpf:prog");
        assertTrue(help, help.contains("--caps"));
        assertTrue(help, help.contains("holds every capability, like root running bpftool"));
        assertTrue(help, help.contains("BPF_F_DESTRUCTIVE"));
        String feature = run("bpf:feature");
        assertTrue(feature, feature.startsWith("JIT compiler: on (net.core.bpf_jit_enable = 1)"));
        assertTrue(feature, feature.contains("kfunc registry: present"));
        JsonNode f = json("bpf:feature --json");
        assertTrue(f.get("jit_enabled").asBoolean());
        assertTrue(f.get("kfunc_registry").asBoolean());
        assertEquals(8, f.get("prog_types").size());
        assertEquals("tracepoint", f.get("prog_types").get(2).get("name").asText());
        assertEquals("ringbuf", f.get("map_types").get(7).get("name").asText());
    }

    @Test
    public void programLifecycle() throws Exception {
        Path obj = hitsObject();
        String loaded = run("bpf:prog load " + obj + " --log 1");
        assertTrue(loaded, loaded.startsWith("loaded shell_hits: 1 program, 1 map\n"));
        assertTrue(loaded, loaded.contains("count_hits"));
        assertTrue(loaded, loaded.contains("verifier log of program"));
        int prog = firstInt("\\n(\\d+)\\s+count_hits\\s+tracepoint", loaded);

        String list = run("bpf:prog list");
        assertTrue(list, list.startsWith("ID  NAME"));
        assertTrue(list, list.matches("(?s).*\\n" + prog + "\\s+count_hits\\s+tracepoint\\s+[0-9a-f]{16}\\s+8\\s+yes.*"));
        JsonNode shown = json("bpf:prog show " + prog + " --json");
        assertEquals(prog, shown.get("id").asInt());
        assertEquals("count_hits", shown.get("name").asText());
        assertEquals("tracepoint", shown.get("type").asText());
        assertEquals(1, shown.get("map_ids").size());
        int bss = shown.get("map_ids").get(0).asInt();
        assertTrue(run("bpf:prog show " + prog).contains("name:        count_hits"));

        // the instructions as the verifier left them: the .bss map by id, the atomic add, the branch
        String xlated = run("bpf:prog dump xlated " + prog);
        // Linux's xlated form names the map by id (map[id:N][0]+0); the runtime still hands back the
        // loader's fd_array index (map[idx:0]+0): either names the program's one map here
        assertTrue(xlated, xlated.contains("   1: (18) r1 = map[id:" + bss + "][0]+0") || xlated.contains("   1: (18) r1 = map[idx:0]+0"));
        assertTrue(xlated, xlated.contains("atomic64_fetch_add"));
        assertTrue(xlated, xlated.contains("   7: (95) exit"));
        JsonNode xj = json("bpf:prog dump xlated " + prog + " -j");
        assertEquals(7, xj.size()); // 8 slots, the lddw's second slot has no line
        assertEquals("exit", xj.get(6).get("disasm").asText());
        String jited = run("bpf:prog dump jited " + prog);
        assertFalse(jited, jited.startsWith("no instructions returned"));
        assertTrue(json("bpf:prog dump jited " + prog + " --json").get("jited").asBoolean());
        String dot = run("bpf:prog dump visual " + prog);
        assertTrue(dot, dot.startsWith("digraph \"DOT graph for eBPF program\" {"));
        assertTrue(dot, dot.contains("fn_0_bb_2:s -> fn_0_bb_4:n"));
        assertEquals(dot.strip(), json("bpf:prog dump visual " + prog + " -j").get("dot").asText().strip());

        // test runs: the global counts them, the fourth returns 1
        String zeros = "0x" + "00".repeat(BUNDLE_EVENT_RECORD);
        String ran = run("bpf:prog run " + prog + " --ctx " + zeros + " --repeat 3");
        assertTrue(ran, ran.contains("retval:      0 (0x0)"));
        assertTrue(ran, ran.contains("(mean of 3 runs)"));
        JsonNode r = json("bpf:prog run " + prog + " --ctx " + zeros + " --json");
        assertEquals(1, r.get("retval").asLong());
        assertEquals("key: 00 00 00 00  value: 04 00 00 00 00 00 00 00\n", run("bpf:map lookup " + bss + " 00 00 00 00"));

        // attach, fire by hand, see it count, detach
        String attached = run("bpf:prog attach " + prog + " osgi:bundle_event");
        int link = firstInt("link (\\d+)", attached);
        String links = run("bpf:link list");
        assertTrue(links, links.matches("(?s)ID\\s+PROG\\s+PROG NAME\\s+TRACEPOINT\\n.*" + link + "\\s+" + prog + "\\s+count_hits\\s+osgi:bundle_event\\n.*"));
        assertEquals(link, json("bpf:link list --json").get(0).get("id").asInt());
        String fired = run("bpf:tracepoint fire osgi:bundle_event");
        assertTrue(fired, fired.startsWith("fired osgi:bundle_event (1 program attached)"));
        JsonNode value = json("bpf:map lookup " + bss + " 0x00000000 --json");
        assertTrue(value.toString(), Integer.decode(value.get("value").get(0).asText()) >= 5);
        assertEquals("detached link " + link + "\n", run("bpf:prog detach " + link));
        assertFalse(run("bpf:link list").contains("count_hits"));

        assertEquals("unloaded program " + prog + "\n", run("bpf:prog unload " + prog));
        assertTrue(fail("bpf:prog show " + prog).startsWith("ENOENT (errno 2)"));
    }

    @Test
    public void loadWithAttachAndJsonThenUnload() throws Exception {
        JsonNode v = json("bpf:prog load " + hitsObject() + " tracepoint/osgi/bundle_event --attach osgi:bundle_event --json");
        assertEquals(1, v.get("programs").size());
        assertEquals(1, v.get("maps").size());
        assertEquals(1, v.get("links").size());
        int prog = v.get("programs").get(0).get("id").asInt();
        assertEquals(prog, v.get("links").get(0).get("prog_id").asInt());
        assertEquals("osgi:bundle_event", v.get("links").get(0).get("tracepoint").asText());
        JsonNode ids = JSON.readTree(JSON.writeValueAsString(Gogo.run(ctx, "bpf:ids link").lines().toList()));
        assertTrue(ids.toString(), ids.toString().contains(String.valueOf(v.get("links").get(0).get("id").asInt())));
        run("bpf:prog unload " + prog);
        assertTrue("unloading detaches", json("bpf:link list -j").toString().indexOf("\"prog_id\":" + prog + ",") < 0);
    }

    @Test
    public void rejectedLoadsPrintTheErrnoAndTheVerifierLog() throws Exception {
        Path obj = hitsObject();
        String perfmon = fail("bpf:prog load " + obj + " --caps CAP_BPF");
        assertTrue(perfmon, perfmon.startsWith("EPERM (errno 1): loading TRACEPOINT programs requires CAP_PERFMON"));
        String none = fail("bpf:prog load " + obj + " --caps none");
        assertTrue(none, none.startsWith("EPERM (errno 1): loading BPF programs requires CAP_BPF or CAP_SYS_ADMIN"));
        assertTrue(fail("bpf:prog load " + obj + ".missing").startsWith("ENOENT (errno 2)"));
        assertTrue(fail("bpf:prog load " + obj + " no_such_section").startsWith("ENOENT (errno 2)"));
        // the caps that suffice load it
        String ok = run("bpf:prog load " + obj + " --caps CAP_BPF,CAP_PERFMON");
        int prog = firstInt("\\n(\\d+)\\s+count_hits", ok);
        run("bpf:prog unload " + prog);
    }

    /**
     * The destructive guard rails as the shell shows them: each refusal names its errno and prints
     * the verifier log; {@code --caps}, {@code --destructive} and the sysctl switch them one by one.
     * panic.o is loaded but never fired (it would panic the framework the test runs in).
     */
    @Test
    public void destructiveGuardRailsThroughTheShell() throws Exception {
        String panic = Path.of(ctx.getProperty("kbpf.examples.dir"), "panic.o").toString();
        String noBoot = fail("bpf:prog load " + panic + " --destructive --caps CAP_BPF,CAP_PERFMON --log 1");
        assertTrue(noBoot, noBoot.startsWith("EACCES (errno 13): destructive kfunc calls require CAP_SYS_BOOT capability\nverifier log:\n"));
        assertTrue(noBoot, noBoot.contains("call bpf_panic"));
        String noFlag = fail("bpf:prog load " + panic);
        assertTrue(noFlag, noFlag.startsWith("EPERM (errno 1): destructive kfunc calls require BPF_F_DESTRUCTIVE flag\nverifier log:\n"));
        String disabled = fail("bpf:prog load " + panic + " --destructive");
        assertTrue(disabled, disabled.startsWith("EPERM (errno 1): destructive kfunc calls are disabled by kernel.destructive_bpf_enabled=0"));
        int prog = -1;
        try {
            run("bpf:sysctl -w kernel.destructive_bpf_enabled=1 --expire 10m");
            JsonNode loaded = json("bpf:prog load " + panic + " --destructive --json");
            prog = loaded.get("programs").get(0).get("id").asInt();
            assertTrue(loaded.toString(), loaded.get("programs").get(0).get("destructive").asBoolean());
            assertTrue(run("bpf:prog show " + prog).contains("destructive: yes"));
            assertEquals(prog, json("bpf:kfunc users bpf_panic --json").get("programs").get(0).get("id").asInt());
            String users = run("bpf:kfunc users bpf_panic");
            assertTrue(users, users.matches("(?s)PROG\\s+NAME\\s+TAG\\n" + prog + "\\s+panic_on_stops\\s+[0-9a-f]{16}\\n"));
            String kfuncs = run("bpf:kfuncs");
            assertTrue(kfuncs, kfuncs.matches("(?s).*\\bbpf_panic\\s+KF_DESTRUCTIVE\\s+.*dev\\.kbpf\\.helpers\\.destructive.*"));
        } finally {
            if (prog >= 0) run("bpf:prog unload " + prog);
            run("bpf:sysctl -w kernel.destructive_bpf_enabled=0");
        }
    }

    @Test
    public void mapsFromTheShell() throws Exception {
        String created = run("bpf:map create type hash key 4 value 8 entries 4 name shell_map");
        int id = firstInt("created map (\\d+)", created);
        assertTrue(created, created.contains("type:        hash"));
        assertTrue(run("bpf:map list").matches("(?s).*\\n" + id + "\\s+shell_map\\s+hash\\s+4B\\s+8B\\s+4\\s+0x0\\n.*"));
        assertEquals("shell_map", json("bpf:map show " + id + " --json").get("name").asText());
        run("bpf:map update " + id + " key 01 00 00 00 value 2a 00 00 00 00 00 00 00");
        run("bpf:map update " + id + " 0x02000000 0x0700000000000000 noexist");
        assertTrue(fail("bpf:map update " + id + " 0x02000000 0x0800000000000000 noexist").startsWith("EEXIST (errno 17)"));
        assertEquals("key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00\n", run("bpf:map lookup " + id + " 01 00 00 00"));
        String dump = run("bpf:map dump " + id);
        assertTrue(dump, dump.endsWith("Found 2 elements\n"));
        JsonNode d = json("bpf:map dump " + id + " --json");
        assertEquals(2, d.get("elements").size());
        assertEquals(4, d.get("map").get("max_entries").asInt());
        run("bpf:map delete " + id + " key 01 00 00 00");
        assertTrue(fail("bpf:map lookup " + id + " 01 00 00 00").startsWith("ENOENT (errno 2): key 01 00 00 00 not found"));
        assertTrue(fail("bpf:map lookup " + id + " 01 00").contains("has 4-byte keys"));
        assertTrue(fail("bpf:map create type hash key 0 value 8 entries 4").startsWith("EINVAL (errno 22)"));
        assertEquals("freed map " + id + "\n", run("bpf:map free " + id));

        // per-CPU: one value_size value goes to every CPU, and each CPU's value is shown
        int pc = firstInt("created map (\\d+)", run("bpf:map create type percpu_array key 4 value 4 entries 1"));
        run("bpf:map update " + pc + " 00 00 00 00 value 05 00 00 00");
        JsonNode cpus = json("bpf:map lookup " + pc + " 00 00 00 00 --json").get("values");
        assertEquals(Runtime.getRuntime().availableProcessors(), cpus.size());
        for (JsonNode c : cpus) assertEquals(c.toString(), "0x05", c.get("value").get(0).asText());
        assertTrue(run("bpf:map dump " + pc).contains("value (CPU 00): 05 00 00 00\n"));
        run("bpf:map free " + pc);
    }

    @Test
    public void tracepoints() throws Exception {
        String list = run("bpf:tracepoint list");
        assertTrue(list, list.startsWith("TRACEPOINT"));
        assertTrue(list, list.matches("(?s).*\nosgi:bundle_event\\s+" + BUNDLE_EVENT_RECORD + "B\\s+\\d+\\s+\\d+\n.*"));
        JsonNode tps = json("bpf:tracepoint list --json");
        boolean found = false;
        for (JsonNode t : tps) found |= t.get("name").asText().equals("jvm:gc_pause");
        assertTrue(tps.toString(), found);
        String format = run("bpf:tracepoint format osgi:bundle_event");
        assertTrue(format, format.startsWith("name: bundle_event\n"));
        assertTrue(format, format.contains("\tfield:"));
        assertEquals(BUNDLE_EVENT_RECORD, json("bpf:tracepoint format osgi:bundle_event -j").get("record_size").asInt());
        assertTrue(fail("bpf:tracepoint format osgi:nothing").startsWith("ENOENT"));
        assertTrue(fail("bpf:tracepoint fire osgi:bundle_event colour=1").contains("has no field 'colour'"));
    }

    @Test
    public void helpersKfuncsSysctlDmesgTracelog() throws Exception {
        boolean helperTable = ctx.getServiceReference("dev.kbpf.spi.HelperTable") != null;
        assertEquals(helperTable, json("bpf:feature -j").get("helper_table").asBoolean());
        if (helperTable) {
            String helpers = run("bpf:helpers");
            assertTrue(helpers, helpers.matches("(?s)ID\\s+NAME.*bpf_map_lookup_elem.*"));
            assertTrue(json("bpf:helpers --json").isArray());
        } else {
            assertEquals("the helper table is not present", fail("bpf:helpers"));
        }

        JsonNode kfuncs = json("bpf:kfuncs --json");
        assertTrue(kfuncs.get("registry").asBoolean());
        assertTrue(kfuncs.get("kfuncs").isArray());
        assertFalse(run("bpf:kfuncs").contains("not present"));
        assertEquals("no loaded program calls bpf_panic\n", run("bpf:kfunc users bpf_panic"));
        assertEquals(0, json("bpf:kfunc users bpf_panic -j").get("programs").size());

        assertTrue(run("bpf:sysctl").contains("kernel.destructive_bpf_enabled = 0\n"));
        assertEquals("kernel.bpf_stats_enabled = 1\n", run("bpf:sysctl -w kernel.bpf_stats_enabled=1"));
        assertEquals(1, json("bpf:sysctl kernel.bpf_stats_enabled --json").get(0).get("value").asInt());
        String temporary = run("bpf:sysctl -w kernel.destructive_bpf_enabled=1 --expire 1h");
        assertTrue(temporary, temporary.startsWith("kernel.destructive_bpf_enabled = 1   (until "));
        run("bpf:sysctl -w kernel.destructive_bpf_enabled=0");
        run("bpf:sysctl -w kernel.bpf_stats_enabled=0");
        assertTrue(fail("bpf:sysctl -w kernel.panic=x").startsWith("EINVAL (errno 22)"));

        String dmesg = run("bpf:dmesg");
        assertTrue(dmesg, dmesg.matches("(?s)\\[\\s*\\d+\\.\\d{6}\\] .*"));
        JsonNode lines = json("bpf:dmesg --json");
        assertTrue(lines.size() > 0);
        assertTrue(lines.get(0).has("uptime_ns"));

        // a program that writes no trace line: following the pipe for a moment prints nothing and ends
        assertEquals("", run("bpf:tracelog --timeout 0.3"));
    }

    @Test
    public void crashDumps() throws Exception {
        Path dir = Path.of(ctx.getProperty("kbpf.crash.dir"));
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) { // dumps of an earlier run of this test
            for (Path f : old.toList()) Files.delete(f);
        }
        String id = "crash-20261125T120001.500000Z-3f2a9c1e-0001";
        Files.writeString(dir.resolve(id + ".json"), "{\"format\":1,\"reason\":\"PANIC\",\"kfunc\":\"bpf_panic\",\"message\":\"seen it\","
                + "\"time\":\"2026-11-25T12:00:01.500Z\",\"bootId\":\"3f2a9c1e-0000-4000-8000-000000000001\",\"uptimeNs\":61000000000,"
                + "\"kbpfVersion\":\"0.1.0\",\"state\":\"PANICKED\",\"caller\":{\"kind\":\"kernel\",\"origin\":\"test\",\"threadId\":1},"
                + "\"dmesg\":[{\"seq\":0,\"level\":0,\"uptimeNs\":61000000000,\"text\":\"Kernel panic - not syncing: seen it\"}],"
                + "\"threads\":[{\"id\":1,\"name\":\"main\",\"state\":\"RUNNABLE\",\"daemon\":false,\"frames\":[\"at x.Y.z(Y.java:1)\"]}]}",
                StandardCharsets.UTF_8);
        String list = run("bpf:crash list");
        assertTrue(list, list.contains(id));
        assertEquals(id, json("bpf:crash list --json").get(0).get("id").asText());
        String sys = run("bpf:crash show latest");
        assertTrue(sys, sys.contains("PANIC: \"Kernel panic - not syncing: seen it\""));
        assertEquals("[   61.000000] Kernel panic - not syncing: seen it\n", run("bpf:crash log " + id));
        assertTrue(run("bpf:crash bt " + id).contains("COMMAND: \"main\""));
        assertEquals("PANIC", json("bpf:crash show " + id + " --json").get("reason").asText());
        assertTrue(fail("bpf:crash show crash-none").contains("no crash dump 'crash-none'"));

        // a real dump, written by the machine through helpers-destructive's writer: the commands read where it writes
        org.osgi.framework.ServiceReference<dev.kbpf.spi.Machine> ref = ctx.getServiceReference(dev.kbpf.spi.Machine.class);
        dev.kbpf.spi.Machine machine = ctx.getService(ref);
        try {
            Path written = machine.crashDump(dev.kbpf.spi.CrashReason.CRASH_DUMP, "taken by the shell test",
                    new dev.kbpf.spi.PanicContext.Kernel("ShellCommandsIT")).orElseThrow();
            assertEquals(dir, written.getParent());
        } finally {
            ctx.ungetService(ref);
        }
        JsonNode dumps = json("bpf:crash list --json");
        assertEquals(2, dumps.size());
        assertEquals("CRASH_DUMP", dumps.get(1).get("reason").asText());
        String sys2 = run("bpf:crash show latest");
        assertTrue(sys2, sys2.contains("MESSAGE: \"taken by the shell test\""));
        assertTrue(sys2, sys2.contains("CALLER: ShellCommandsIT"));
        assertTrue(run("bpf:crash log latest").contains("taken by the shell test"));
        String bt = run("bpf:crash bt latest");
        assertTrue(bt, bt.startsWith("no BPF program frame: called by ShellCommandsIT"));
        assertTrue(bt, bt.contains("TID: "));
        assertTrue(json("bpf:crash bt latest --json").get("threads").size() > 0);
    }
}
