package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Addresses in global data ({@code R_BPF_64_ABS64} in {@code .data}) become {@link DataRelocation}s. */
class DataRelocationTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = DataRelocationTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("fixture " + name + " missing");
            return in.readAllBytes();
        }
    }

    @Test
    void pointersInDataNameTheirTargetMapAndOffset() throws IOException {
        BpfObject o = ElfLoader.load(fixture("data_pointers.o"), "data_pointers");
        assertEquals(List.of("data_poi.bss", "data_poi.data", ".rodata.str1.1"),
                o.maps().stream().map(MapSpec::name).toList());
        int bss = o.mapIndex("data_poi.bss").getAsInt(), str = o.mapIndex(".rodata.str1.1").getAsInt();
        MapSpec data = o.map("data_poi.data").orElseThrow();
        // current = &counters[1]; names = { "installed", "started" }
        assertEquals(List.of(new DataRelocation(0, 8, bss, 8), new DataRelocation(8, 8, str, 0), new DataRelocation(16, 8, str, 10)),
                data.dataRelocations());
        assertEquals(List.of(new GlobalVariable("current", 0, 8), new GlobalVariable("names", 8, 16)), data.variables());
        // lddw of names: the .data map at offset 8
        ProgramSpec p = o.programs().get(0);
        assertEquals(o.mapIndex("data_poi.data").getAsInt(), p.insns().get(7).imm());
        assertEquals(8, p.insns().get(8).imm());
    }

    @Test
    void aPointerToSomethingOtherThanGlobalDataIsRejected() throws IOException {
        ElfBytes e = new ElfBytes(fixture("data_pointers.o"));
        int license = (e.symbol("LICENSE") - e.offset(".symtab")) / 24;
        e.put32(e.rel(".rel.data", 0) + 12, license);
        ElfException ex = org.junit.jupiter.api.Assertions.assertThrows(ElfException.class, () -> ElfLoader.load(e.b, "x"));
        assertEquals("section '.data' relocation 0: the address of 'LICENSE' cannot be stored in global data (only addresses of global data can)", ex.getMessage());
    }
}
