package dev.kbpf.elf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kbpf.elf.ByteSlice;
import dev.kbpf.elf.ElfException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Parsing {@code .BTF} and computing C sizes through typedefs, qualifiers, structs, arrays and enums. */
class BtfTest {

    private static Btf parse(byte[] b) { return Btf.parse(ByteSlice.of(b, ".BTF")); }

    @Test
    void sizesThroughTypedefsQualifiersStructsArraysAndEnums() {
        BtfBuilder b = new BtfBuilder();
        int u32 = b.integer("unsigned int", 4, false);
        int u64 = b.integer("unsigned long long", 8, false);
        int typedef = b.modifier(BtfType.KIND_TYPEDEF, "__u32", u32);
        int cnst = b.modifier(BtfType.KIND_CONST, "", typedef);
        int vol = b.modifier(BtfType.KIND_VOLATILE, "", cnst);
        int arr = b.array(vol, u32, 16);
        int st = b.struct("event", 80, "id", u64, 0, "slots", arr, 64, "next", b.ptr(0), 576);
        int en = b.enumeration("kind", 4, "A", "B");
        int arrOfStructs = b.array(st, u32, 3);
        Btf btf = parse(b.build());
        assertEquals(4, btf.sizeOf(typedef));
        assertEquals(4, btf.sizeOf(vol));
        assertEquals(64, btf.sizeOf(arr));
        assertEquals(80, btf.sizeOf(st));
        assertEquals(240, btf.sizeOf(arrOfStructs));
        assertEquals(4, btf.sizeOf(en));
        assertEquals(u32, btf.skipModifiers(vol));
        BtfType.Struct s = assertInstanceOf(BtfType.Struct.class, btf.type(st));
        assertEquals("slots", s.members().get(1).name());
        assertEquals(64, s.bitOffsetOf(s.members().get(1)));
        BtfType.Enum e = assertInstanceOf(BtfType.Enum.class, btf.type(en));
        assertEquals(1, e.values().get(1).value());
    }

    @Test
    void aTypedefCycleIsRefusedNotFollowedForever() {
        BtfBuilder b = new BtfBuilder();
        b.modifier(BtfType.KIND_TYPEDEF, "a", 2);
        b.modifier(BtfType.KIND_TYPEDEF, "b", 1);
        Btf btf = parse(b.build());
        ElfException e = assertThrows(ElfException.class, () -> btf.sizeOf(1));
        assertTrue(e.getMessage().contains("more than 32"), e.getMessage());
        assertThrows(ElfException.class, () -> btf.skipModifiers(1));
    }

    @Test
    void arraysLargerThan4GiBAreRefused() {
        BtfBuilder b = new BtfBuilder();
        int u64 = b.integer("u64", 8, false);
        int arr = b.array(u64, u64, 0x40000000L);
        Btf btf = parse(b.build());
        assertThrows(ElfException.class, () -> btf.sizeOf(arr));
    }

    @Test
    void functionsHaveNoSize() {
        BtfBuilder b = new BtfBuilder();
        int fwd = b.modifier(BtfType.KIND_TYPEDEF, "t", 0); // typedef void t
        Btf btf = parse(b.build());
        ElfException e = assertThrows(ElfException.class, () -> btf.sizeOf(fwd));
        assertTrue(e.getMessage().contains("VOID"), e.getMessage());
    }

    @Test
    void malformedSections() {
        byte[] ok = new BtfBuilder().build();
        assertThrows(ElfException.class, () -> parse(Arrays.copyOf(ok, 10)));
        byte[] be = ok.clone();
        be[0] = (byte) 0xeb; // the magic as a big-endian writer stores it
        be[1] = (byte) 0x9f;
        assertTrue(assertThrows(ElfException.class, () -> parse(be)).getMessage().contains("big-endian"));
        byte[] v2 = ok.clone();
        v2[2] = 2;
        assertTrue(assertThrows(ElfException.class, () -> parse(v2)).getMessage().contains("version 2"));
        BtfBuilder b = new BtfBuilder();
        b.integer("int", 4, true);
        byte[] cut = b.build();
        cut[24 + 4 + 3] = 30; // kind 30 does not exist
        assertTrue(assertThrows(ElfException.class, () -> parse(cut)).getMessage().contains("unknown kind 30"));
    }

    @Test
    void datasecsAreFoundByName() {
        BtfBuilder b = new BtfBuilder();
        int i = b.integer("int", 4, true);
        int v = b.var("x", i);
        b.datasec(".bss", v);
        Btf btf = parse(b.build());
        assertEquals(1, btf.datasec(".bss").orElseThrow().vars().size());
        assertTrue(btf.datasec(".data").isEmpty());
    }
}
