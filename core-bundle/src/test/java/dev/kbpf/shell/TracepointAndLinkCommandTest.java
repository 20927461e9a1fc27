package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.ProgType;
import dev.kbpf.api.TracepointField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracepointAndLinkCommandTest {

    FakeBpf bpf;
    Shell shell;
    int prog;

    @BeforeEach
    void setUp() {
        bpf = new FakeBpf();
        bpf.defineTracepoint("osgi", "bundle_event", List.of(TracepointField.u64("bundle_id", 0), TracepointField.s32("type", 8),
                TracepointField.chars("symbolic_name", 12, 16)));
        bpf.defineTracepoint("jvm", "gc_pause", List.of(TracepointField.u64("duration", 0)));
        prog = bpf.addProg(Fixtures.prog("watch", ProgType.TRACEPOINT, false));
        shell = new Shell(new TracepointCommand(bpf), new LinkCommand(bpf), new IdsCommand(bpf));
    }

    @AfterEach
    void tearDown() { shell.close(); }

    @Test
    void listShowsEveryTracepointWithAttachedPrograms() throws Exception {
        bpf.attach(prog, "osgi:bundle_event");
        assertEquals("TRACEPOINT         RECORD  FIELDS  ATTACHED\njvm:gc_pause       8B      1       0\nosgi:bundle_event  32B     3       1\n",
                shell.run("bpf:tracepoint list"));
        JsonNode tps = Fixtures.json(shell.run("bpf:tracepoint list --json"));
        assertEquals("osgi:bundle_event", tps.get(1).get("name").asText());
        assertEquals(32, tps.get(1).get("record_size").asInt());
        assertEquals(1, tps.get(1).get("attached").asInt());
    }

    @Test
    void formatIsLinuxsFormatFile() throws Exception {
        String f = shell.run("bpf:tracepoint format osgi:bundle_event");
        assertTrue(f.startsWith("name: bundle_event\n"), f);
        assertTrue(f.contains("\tfield:s32 type;\toffset:8;\tsize:4;\tsigned:1;"), f);
        assertTrue(f.contains("\tfield:char symbolic_name[16];\toffset:12;\tsize:16;\tsigned:0;"), f);
        JsonNode j = Fixtures.json(shell.run("bpf:tracepoint format osgi:bundle_event -j"));
        assertEquals(3, j.get("fields").size());
        assertEquals("type", j.get("fields").get(1).get("name").asText());
        assertTrue(j.get("fields").get(1).get("signed").asBoolean());
        assertEquals(f, j.get("format").asText());
        assertTrue(shell.fail("bpf:tracepoint format osgi:nothing").startsWith("ENOENT (errno 2): no tracepoint 'osgi:nothing'"));
    }

    @Test
    void fireLaysTheFieldsOutInTheRecord() throws Exception {
        bpf.attach(prog, "osgi:bundle_event");
        assertEquals("fired osgi:bundle_event (1 program attached)\n",
                shell.run("bpf:tracepoint fire osgi:bundle_event bundle_id=0x2a type=-1 symbolic_name=dev.kbpf.core"));
        ByteBuffer r = ByteBuffer.wrap(bpf.fired.get(0)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(42, r.getLong(0));
        assertEquals(-1, r.getInt(8));
        assertEquals("dev.kbpf.core", new String(bpf.fired.get(0), 12, 13, java.nio.charset.StandardCharsets.UTF_8));
        JsonNode j = Fixtures.json(shell.run("bpf:tracepoint fire osgi:bundle_event type=2 --json"));
        assertEquals(2, j.get("values").get("type").asInt());
        assertEquals(0, j.get("values").get("bundle_id").asLong(), "fields not given are 0");
        assertEquals(1, j.get("programs").asInt());
        assertEquals(2, bpf.fired.size());
        assertTrue(shell.fail("bpf:tracepoint fire osgi:bundle_event colour=3").contains("has no field 'colour'; its fields: bundle_id, type, symbolic_name"));
        assertTrue(shell.fail("bpf:tracepoint fire osgi:bundle_event type=4294967296").startsWith("ERANGE"));
        assertTrue(shell.fail("bpf:tracepoint fire osgi:bundle_event type=lots").contains("'lots' is not a number"));
        assertTrue(shell.fail("bpf:tracepoint fire osgi:bundle_event type").contains("is not FIELD=VALUE"));
    }

    @Test
    void linkListShowsAttachments() throws Exception {
        assertEquals("no links\n", shell.run("bpf:link list"));
        int link = bpf.attach(prog, "jvm:gc_pause").id();
        assertEquals("ID  PROG  PROG NAME  TRACEPOINT\n" + link + "   " + prog + "     watch      jvm:gc_pause\n", shell.run("bpf:link"));
        JsonNode l = Fixtures.json(shell.run("bpf:link list -j")).get(0);
        assertEquals(link, l.get("id").asInt());
        assertEquals(prog, l.get("prog_id").asInt());
        assertEquals("jvm:gc_pause", l.get("tracepoint").asText());
        assertTrue(shell.fail("bpf:link show 1").contains("usage: link list"));
    }

    @Test
    void idsListLiveValuesForCompletion() throws Exception {
        int link = bpf.attach(prog, "jvm:gc_pause").id();
        assertEquals(List.of(String.valueOf(prog)), new IdsCommand(bpf).ids("prog"));
        assertEquals(List.of(String.valueOf(link)), new IdsCommand(bpf).ids("link"));
        assertEquals(List.of("jvm:gc_pause", "osgi:bundle_event"), new IdsCommand(bpf).ids("tracepoint"));
        assertEquals(List.of(), new IdsCommand(bpf).ids("map"));
        assertTrue(shell.run("bpf:ids tracepoint").contains("osgi:bundle_event"));
        assertTrue(shell.fail("bpf:ids bundles").contains("prog, map, link or tracepoint"));
    }
}
