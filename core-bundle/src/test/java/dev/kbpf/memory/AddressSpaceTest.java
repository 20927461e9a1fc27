package dev.kbpf.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressSpaceTest {

    private static MemoryFault fault(Runnable r) { return assertThrows(MemoryFault.class, r::run); }

    @Test
    void addressesSplitIntoRegionAndOffset() {
        long a = Address.of(0x12345, 0xfffffff0);
        assertEquals(0x12345, Address.regionId(a));
        assertEquals(0xfffffff0L, Address.offset(a));
        assertEquals("region 74565 + 0xfffffff0", Address.describe(a));
    }

    @Test
    void littleEndianLoadsAndStoresThroughARegionSlice() {
        byte[] bytes = new byte[32];
        AddressSpace mem = new AddressSpace();
        long base = mem.attach(AddressSpace.CONTEXT_ID, new Region(RegionKind.CONTEXT, "ctx", bytes, 8, 16, false));
        mem.store64(base, 0x1122334455667788L);
        assertEquals(0x88, bytes[8] & 0xff);
        assertEquals(0x11, bytes[15] & 0xff);
        assertEquals(0x7788L, mem.load16(base));
        assertEquals(0x55667788L, mem.load32(base));
        assertEquals(0x11223344L, mem.load32(base + 4));
        mem.store8(base + 15, 0xabcd);
        assertEquals(0xcdL, mem.load8(base + 15));
        mem.store32(base + 9, -1);   // misaligned plain store is fine
        assertEquals(0xffffffffL, mem.load32(base + 9));
        assertEquals(0xffffffffL, mem.load(base + 9, 4));
        assertThrows(IllegalArgumentException.class, () -> mem.load(base, 3));
    }

    @Test
    void everyBadAccessIsAMemoryFaultNeverAnIndexException() {
        AddressSpace mem = new AddressSpace();
        long base = mem.attach(AddressSpace.CONTEXT_ID, new Region(RegionKind.CONTEXT, "ctx", new byte[64], 32, 16, false));
        MemoryFault f = fault(() -> mem.load8(0));
        assertTrue(f.getMessage().contains("NULL"), f.getMessage());
        assertEquals(AccessKind.READ, f.kind());
        assertEquals(0, f.address());
        assertEquals(1, f.size());
        f = fault(() -> mem.load64(base + 9));
        assertTrue(f.getMessage().contains("crosses the end of ctx"), f.getMessage());
        f = fault(() -> mem.store16(base + 16, 1));
        assertTrue(f.getMessage().contains("invalid write of 2 bytes"), f.getMessage());
        assertTrue(f.getMessage().contains("outside ctx"), f.getMessage());
        fault(() -> mem.load8(base - 1));                       // offset 0xffffffff of region 0
        fault(() -> mem.load8(Address.of(7, 0)));                // unattached local id
        fault(() -> mem.load8(Address.of(99, 0)));               // no shared region
        fault(() -> mem.load8(Address.of(-1, 0)));               // region id 0xffffffff
        fault(() -> mem.read(base + 8, new byte[16], 0, 16));
        // random addresses: only faults, or successful accesses inside the region
        Random rnd = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long addr = rnd.nextInt(4) == 0 ? rnd.nextLong() : Address.of(rnd.nextInt(20) - 2, rnd.nextInt(40) - 10);
            int size = 1 << rnd.nextInt(4);
            try {
                mem.store(addr, size, 1);
                assertEquals(AddressSpace.CONTEXT_ID, Address.regionId(addr), "seed 42, iteration " + i);
                assertTrue(Address.offset(addr) + size <= 16, "seed 42, iteration " + i);
            } catch (MemoryFault expected) {
                // fine
            }
        }
    }

    @Test
    void readOnlyRegionsRefuseWrites() {
        RegionTable table = new RegionTable();
        int id = table.register(new Region(RegionKind.RODATA, ".rodata", "hello\0".getBytes(), 0, 6, true));
        AddressSpace mem = new AddressSpace(table);
        long s = Address.of(id, 0);
        assertEquals('h', mem.load8(s));
        MemoryFault f = fault(() -> mem.store8(s, 'j'));
        assertTrue(f.getMessage().contains("read-only"), f.getMessage());
        f = fault(() -> mem.write(s, new byte[1], 0, 1));
        assertEquals(AccessKind.WRITE, f.kind());
        f = fault(() -> mem.fetchAdd32(s, 1));
        assertEquals(AccessKind.ATOMIC, f.kind());
    }

    @Test
    void atomicsNeedAlignmentInTheBackingArrayToo() {
        AddressSpace mem = new AddressSpace();
        long aligned = mem.attach(AddressSpace.CONTEXT_ID, new Region(RegionKind.CONTEXT, "a", new byte[32], 8, 16, false));
        long shifted = mem.attach(AddressSpace.FIRST_EXTRA_ID, new Region(RegionKind.RAW, "b", new byte[32], 4, 16, false));
        assertEquals(0, mem.fetchAdd64(aligned + 8, 5));
        assertEquals(5, mem.load64(aligned + 8));
        MemoryFault f = fault(() -> mem.fetchAdd64(aligned + 4, 1));
        assertTrue(f.getMessage().contains("misaligned"), f.getMessage());
        fault(() -> mem.fetchAdd32(aligned + 2, 1));
        assertEquals(0, mem.fetchAdd32(shifted + 4, 1));       // array index 8: aligned
        fault(() -> mem.fetchAdd64(shifted, 1));                // array index 4: not aligned for 8 bytes
        fault(() -> mem.compareExchange64(aligned + 16, 0, 1)); // past the end
    }

    @Test
    void theSharedTableReusesFreedIdsOnlyWhenItMustAndFaultsAfterRemoval() {
        RegionTable table = new RegionTable();
        int a = table.register(Region.of(RegionKind.MAP_VALUE, "a", new byte[8]));
        int b = table.register(Region.of(RegionKind.MAP_VALUE, "b", new byte[8]));
        assertTrue(a >= AddressSpace.LOCAL_SLOTS);
        assertNotEquals(a, b);
        AddressSpace mem = new AddressSpace(table);
        mem.store64(Address.of(a, 0), 7);
        table.unregister(a);
        fault(() -> mem.load64(Address.of(a, 0)));
        int c = table.register(Region.of(RegionKind.MAP_VALUE, "c", new byte[8]));
        assertNotEquals(a, c, "a fresh id while never-used ids remain");
        assertThrows(IllegalArgumentException.class, () -> table.unregister(a));
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) ids.add(table.register(Region.of(RegionKind.MAP_VALUE, "m" + i, new byte[8])));
        assertEquals(ids.size(), ids.stream().distinct().count());
        assertTrue(ids.contains(a), "freed ids come back before the table grows without bound");
    }

    @Test
    void perExecutionIdsAreRangeChecked() {
        AddressSpace mem = new AddressSpace();
        Region r = Region.of(RegionKind.RAW, "r", new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> mem.attach(0, r));
        assertThrows(IllegalArgumentException.class, () -> mem.attach(AddressSpace.LOCAL_SLOTS, r));
        assertThrows(IllegalArgumentException.class, () -> new Region(RegionKind.RAW, "r", new byte[4], 2, 3, false));
    }
}
