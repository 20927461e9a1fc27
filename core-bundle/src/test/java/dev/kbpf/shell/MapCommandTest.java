package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MapCommandTest {

    FakeBpf bpf;
    Shell shell;
    int hash;

    @BeforeEach
    void setUp() {
        bpf = new FakeBpf();
        hash = bpf.mapCreate(MapAttr.of(MapType.HASH, 4, 8, 4).withName("counts")).id();
        shell = new Shell(new MapCommand(bpf));
    }

    @AfterEach
    void tearDown() { shell.close(); }

    byte[] stored(String keyHex) { return bpf.mapLookup(hash, HexFormat.of().parseHex(keyHex)).orElseThrow(); }

    @Test
    void listAndShowAsTablesAndJson() throws Exception {
        String out = shell.run("bpf:map list");
        assertEquals("ID  NAME    TYPE  KEY  VALUE  MAX_ENTRIES  FLAGS\n" + hash + "   counts  hash  4B   8B     4            0x0\n", out);
        JsonNode maps = Fixtures.json(shell.run("bpf:map list --json"));
        assertEquals(1, maps.size());
        JsonNode m = maps.get(0);
        assertEquals("hash", m.get("type").asText());
        assertEquals(4, m.get("bytes_key").asInt());
        assertEquals(8, m.get("bytes_value").asInt());
        assertEquals(4, m.get("max_entries").asInt());
        assertTrue(shell.run("bpf:map show " + hash).contains("max_entries: 4"));
        assertEquals("counts", Fixtures.json(shell.run("bpf:map show " + hash + " -j")).get("name").asText());
        assertTrue(shell.fail("bpf:map show 77").startsWith("ENOENT (errno 2)"));
    }

    @Test
    void updateLookupDumpDeleteWithKeywordsOrWithout() throws Exception {
        assertTrue(shell.run("bpf:map update " + hash + " key 01 00 00 00 value 2a 00 00 00 00 00 00 00")
                .startsWith("updated map " + hash + ": key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00"));
        assertArrayEquals(HexFormat.of().parseHex("2a00000000000000"), stored("01000000"));
        // without keywords the map's key size splits key from value; 0x words are bytes in memory order
        shell.run("bpf:map update " + hash + " 0x02000000 0x0700000000000000");
        assertArrayEquals(HexFormat.of().parseHex("0700000000000000"), stored("02000000"));

        assertEquals("key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00\n", shell.run("bpf:map lookup " + hash + " key 01 00 00 00"));
        JsonNode e = Fixtures.json(shell.run("bpf:map lookup " + hash + " 0x01000000 --json"));
        assertEquals(List.of("0x01", "0x00", "0x00", "0x00"), strings(e.get("key")));
        assertEquals("0x2a", e.get("value").get(0).asText());

        String dump = shell.run("bpf:map dump " + hash);
        assertEquals("key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00\nkey: 02 00 00 00  value: 07 00 00 00 00 00 00 00\n"
                + "Found 2 elements\n", dump);
        JsonNode d = Fixtures.json(shell.run("bpf:map dump " + hash + " -j"));
        assertEquals(2, d.get("elements").size());
        assertEquals("counts", d.get("map").get("name").asText());
        assertEquals("0x07", d.get("elements").get(1).get("value").get(0).asText());

        assertEquals("deleted key 01 00 00 00 from map " + hash + "\n", shell.run("bpf:map delete " + hash + " key 01 00 00 00"));
        assertTrue(bpf.mapLookup(hash, new byte[] {1, 0, 0, 0}).isEmpty());
        assertTrue(shell.run("bpf:map dump " + hash).endsWith("Found 1 element\n"));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void updateFlagsAndErrorsCarryTheErrno() throws Exception {
        shell.run("bpf:map update " + hash + " 01 00 00 00 value 01 00 00 00 00 00 00 00 noexist");
        assertTrue(shell.fail("bpf:map update " + hash + " 01 00 00 00 value 02 00 00 00 00 00 00 00 noexist").startsWith("EEXIST (errno 17)"));
        assertTrue(shell.fail("bpf:map update " + hash + " 09 00 00 00 value 02 00 00 00 00 00 00 00 exist").startsWith("ENOENT (errno 2)"));
        shell.run("bpf:map update " + hash + " 01 00 00 00 value 03 00 00 00 00 00 00 00 exist");
        assertEquals(3, stored("01000000")[0]);
        String missing = shell.fail("bpf:map lookup " + hash + " 05 00 00 00");
        assertEquals("ENOENT (errno 2): key 05 00 00 00 not found in map " + hash, missing);
        assertTrue(shell.fail("bpf:map lookup " + hash + " 05 00").contains("key 05 00 has 2 bytes; map " + hash + " has 4-byte keys"));
        assertTrue(shell.fail("bpf:map update " + hash + " 05 00 00 00").contains("needs a 4-byte key and a value"));
        assertTrue(shell.fail("bpf:map update " + hash + " 05 00 00 00 value 01").startsWith("EINVAL"));
        for (int k = 2; k <= 4; k++) shell.run("bpf:map update " + hash + " 0" + k + " 00 00 00 value 00 00 00 00 00 00 00 00");
        assertTrue(shell.fail("bpf:map update " + hash + " 09 00 00 00 value 00 00 00 00 00 00 00 00").startsWith("E2BIG (errno 7)"));
    }

    @Test
    void perCpuValuesAreShownPerCpu() throws Exception {
        int pc = bpf.mapCreate(MapAttr.of(MapType.PERCPU_ARRAY, 4, 4, 1)).id();
        shell.run("bpf:map update " + pc + " 00 00 00 00 value 01 00 00 00 02 00 00 00");
        assertEquals("key: 00 00 00 00\nvalue (CPU 00): 01 00 00 00\nvalue (CPU 01): 02 00 00 00\n",
                shell.run("bpf:map lookup " + pc + " 00 00 00 00"));
        JsonNode e = Fixtures.json(shell.run("bpf:map lookup " + pc + " 00 00 00 00 -j"));
        assertEquals(0, e.get("value").size());
        assertEquals(1, e.get("values").get(1).get("cpu").asInt());
        assertEquals("0x02", e.get("values").get(1).get("value").get(0).asText());
    }

    @Test
    void createAndFree() throws Exception {
        String out = shell.run("bpf:map create type percpu_hash key 8 value 16 entries 128 name latency flags 0x1");
        int id = bpf.mapList().get(1).id();
        assertTrue(out.startsWith("created map " + id + "\n"), out);
        var m = bpf.mapShow(id);
        assertEquals(MapType.PERCPU_HASH, m.type());
        assertEquals(8, m.keySize());
        assertEquals(16, m.valueSize());
        assertEquals(128, m.maxEntries());
        assertEquals(1, m.flags());
        assertEquals("latency", m.name());
        JsonNode rb = Fixtures.json(shell.run("bpf:map create type ringbuf entries 4096 --json"));
        assertEquals("ringbuf", rb.get("type").asText());
        assertEquals(0, rb.get("bytes_key").asInt());
        assertTrue(shell.fail("bpf:map create type hash key 4 value 4 entries 0").startsWith("EINVAL (errno 22)"));
        assertTrue(shell.fail("bpf:map create type hash key 4").contains("needs at least type and entries"));
        assertTrue(shell.fail("bpf:map create type sparse entries 1").contains("unknown map type 'sparse'"));
        assertTrue(shell.fail("bpf:map create type hash entries 1 colour blue").contains("unknown map attribute 'colour'"));
        assertEquals("freed map " + id + "\n", shell.run("bpf:map free " + id));
        assertTrue(shell.fail("bpf:map show " + id).startsWith("ENOENT"));
    }
}
