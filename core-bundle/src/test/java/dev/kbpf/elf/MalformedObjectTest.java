package dev.kbpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each way an object can be wrong is rejected with an {@link ElfException} that says what is wrong. */
class MalformedObjectTest {

    private static void rejects(byte[] bytes, String... fragments) {
        ElfException e = assertThrows(ElfException.class, () -> ElfLoader.load(bytes, "bad"));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
    }

    private static ElfBytes obj(String example) { return new ElfBytes(Examples.bytes(example)); }

    @Test
    void emptyAndShortInput() {
        rejects(new byte[0], "shorter than the 64-byte ELF64 header");
        rejects(Arrays.copyOf(Examples.bytes("counter"), 63), "shorter than the 64-byte ELF64 header");
    }

    @Test
    void notElf() {
        rejects(obj("counter").put8(0, 0x7e).b, "bad magic");
    }

    @Test
    void wrongClass() {
        rejects(obj("counter").put8(4, 1).b, "ELF class 1 is not ELFCLASS64");
    }

    @Test
    void wrongEndianness() {
        rejects(obj("counter").put8(5, 2).b, "not ELFDATA2LSB", "little-endian");
    }

    @Test
    void wrongMachine() {
        rejects(obj("counter").put16(18, 62).b, "ELF machine 62 is not EM_BPF (247)");
    }

    @Test
    void notARelocatableObject() {
        rejects(obj("counter").put16(16, 2).b, "ELF type 2 is not ET_REL");
    }

    @Test
    void truncatedObject() {
        byte[] b = Examples.bytes("counter");
        rejects(Arrays.copyOf(b, b.length / 2), "section header table", "outside");
    }

    @Test
    void sectionContentsOutOfRange() {
        ElfBytes e = obj("counter");
        e.put64(e.header("tracepoint/osgi/bundle_event") + 24, 1L << 40);
        rejects(e.b, "'tracepoint/osgi/bundle_event'", "outside the file");
    }

    @Test
    void sectionNameOutOfRange() {
        ElfBytes e = obj("counter");
        e.put32(e.header(".maps"), 0x7fff0000);
        rejects(e.b, "name of section", "outside");
    }

    @Test
    void symbolSectionIndexOutOfRange() {
        ElfBytes e = obj("counter");
        e.put16(e.symbol("counts") + 6, 900);
        rejects(e.b, "'counts'", "section index 900 is out of range");
    }

    @Test
    void symbolNameOutOfRange() {
        ElfBytes e = obj("counter");
        e.put32(e.symbol("counts"), 0x100000);
        rejects(e.b, "name of symbol", "outside");
    }

    @Test
    void relocationAgainstAMissingSymbol() {
        ElfBytes e = obj("counter");
        e.put32(e.rel(".reltracepoint/osgi/bundle_event", 0) + 12, 999);
        rejects(e.b, "relocation against missing symbol 999");
    }

    @Test
    void unknownRelocationType() {
        ElfBytes e = obj("counter");
        e.put32(e.rel(".reltracepoint/osgi/bundle_event", 0) + 8, 7);
        rejects(e.b, "unknown relocation type 7", "'tracepoint/osgi/bundle_event'");
    }

    @Test
    void relocationOutsideItsSection() {
        ElfBytes e = obj("counter");
        e.put64(e.rel(".reltracepoint/osgi/bundle_event", 0), 0x10000);
        rejects(e.b, "offset 65536 is not an instruction");
    }

    @Test
    void relaRelocationsOnCode() {
        ElfBytes e = obj("counter");
        e.put32(e.header(".reltracepoint/osgi/bundle_event") + 4, 4); // SHT_REL → SHT_RELA
        rejects(e.b, "RELA relocations are not used by BPF objects");
    }

    @Test
    void wrongRelocationTypeInMaps() {
        ElfBytes e = obj("tail_call");
        e.put32(e.rel(".rel.maps", 0) + 8, 3); // R_BPF_64_ABS64 → R_BPF_64_ABS32
        rejects(e.b, "section '.maps' relocation 0", "R_BPF_64_ABS32 against 'handle_started' is not supported in .maps");
    }

    @Test
    void progArraySlotBeyondMaxEntries() {
        ElfBytes e = obj("tail_call");
        e.put32(e.btfArrayWithNelems(8), 2); // __uint(max_entries, 8) → 2: .values[2] no longer fits
        rejects(e.b, "map 'handlers' .values[2] is beyond max_entries 2");
    }

    @Test
    void mapRelocationNotOnLddw() {
        ElfBytes e = obj("counter");
        e.put64(e.rel(".reltracepoint/osgi/bundle_event", 0), 8 * 8); // insn 8 is `call 1`
        rejects(e.b, "R_BPF_64_64 against 'counts' is not on a lddw");
    }

    @Test
    void callRelocationNotOnCall() {
        ElfBytes e = obj("subprog");
        e.put64(e.rel(".reltracepoint/jvm/thread_start", 0), 0); // insn 0 is `r6 = r1`
        rejects(e.b, "R_BPF_64_32", "is not on a call instruction");
    }

    @Test
    void unknownBtfMapType() {
        ElfBytes e = obj("counter");
        e.put32(e.btfArrayWithNelems(1), 99); // __uint(type, BPF_MAP_TYPE_HASH) is int (*type)[1]
        rejects(e.b, "map 'counts': unknown map type 99");
    }

    @Test
    void unknownLegacyMapType() {
        ElfBytes e = obj("legacy_maps");
        e.put32(e.offset("maps"), 1234);
        rejects(e.b, "map 'pauses': unknown map type 1234");
    }

    @Test
    void mapTooLargeForTheJvm() {
        ElfBytes e = obj("legacy_maps");
        e.put32(e.offset("maps") + 12, -1); // max_entries 4294967295
        rejects(e.b, "map 'pauses': max_entries 4294967295 is too large");
    }

    @Test
    void unknownBtfMapField() {
        ElfBytes e = obj("counter");
        e.put8(e.string(".BTF", "max_entries") + 10, 'z');
        rejects(e.b, "map 'counts': unknown field 'max_entriez'");
    }

    @Test
    void btfMapsWithoutBtf() {
        ElfBytes e = obj("counter");
        e.put8(e.string(".strtab", ".BTF") + 3, 'X'); // .BTF → .BTX (.BTF.ext keeps its own name)
        rejects(e.b, "'.BTF.ext' needs '.BTF'");
    }

    @Test
    void legacyMapSectionOfWrongSize() {
        ElfBytes e = obj("legacy_maps");
        e.put64(e.header("maps") + 32, e.size("maps") - 1);
        rejects(e.b, "section 'maps'", "not a multiple");
    }

    @Test
    void unknownProgramSection() {
        ElfBytes e = obj("counter");
        e.put8(e.string(".strtab", "tracepoint/osgi/bundle_event"), 'X');
        rejects(e.b, "'Xracepoint/osgi/bundle_event'", "unknown program section");
    }

    @Test
    void externVariablesAreNotSupported() {
        ElfBytes e = obj("globals");
        e.put16(e.symbol("seen") + 6, 0); // seen becomes undefined: an extern variable
        rejects(e.b, "extern variable 'seen'");
    }

    @Test
    void globalDataOffsetOutsideItsSection() {
        ElfBytes e = obj("globals");
        e.put64(e.symbol("matched") + 8, 4096);
        rejects(e.b, "'matched'", "outside section '.bss'");
    }

    @Test
    void oversizedBss() {
        ElfBytes e = obj("globals");
        e.put64(e.header(".bss") + 32, 1L << 30);
        rejects(e.b, "'.bss'", "exceed");
    }

    @Test
    void programSectionNotWholeInstructions() {
        ElfBytes e = obj("counter");
        e.put64(e.header("tracepoint/osgi/bundle_event") + 32, 8 * 22 - 3);
        rejects(e.b, "not a multiple of 8");
    }

    @Test
    void functionSymbolOutsideItsSection() {
        ElfBytes e = obj("counter");
        e.put64(e.symbol("count_bundle_events") + 16, 8 * 23);
        rejects(e.b, "function 'count_bundle_events'", "inside section");
    }

    @Test
    void noSymbolTable() {
        ElfBytes e = obj("counter");
        e.put32(e.header(".symtab") + 4, 1); // SHT_SYMTAB → SHT_PROGBITS
        rejects(e.b, "no symbol table");
    }

    @Test
    void badBtfMagic() {
        ElfBytes e = obj("counter");
        e.put16(e.offset(".BTF"), 0x1234);
        rejects(e.b, ".BTF: bad magic 0x1234");
    }

    @Test
    void btfTypeReferringToAMissingType() {
        ElfBytes e = obj("counter");
        e.put32(e.btfType(1) + 8, 100_000); // type 1 is a PTR; point it nowhere
        rejects(e.b, ".BTF: type 1 refers to type 100000, which does not exist");
    }

    @Test
    void badBtfExtRecordSize() {
        ElfBytes e = obj("counter");
        int ext = e.offset(".BTF.ext");
        e.put32(ext + e.u32(ext + 4) + e.u32(ext + 16), 3); // line info rec_size
        rejects(e.b, ".BTF.ext line info: record size 3 is invalid");
    }

    @Test
    void coreRelocationKbpfCannotApply() {
        ElfBytes e = obj("core_read");
        e.put32(e.firstCoreRelo() + 12, 7); // BPF_CORE_TYPE_ID_TARGET needs kernel BTF
        ElfException ex = assertThrows(ElfException.class, () -> ElfLoader.load(e.b, "bad"));
        assertTrue(ex.getMessage().startsWith("CO-RE relocation ["), ex.getMessage());
        assertTrue(ex.getMessage().contains("access '0:2'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("kind target_type_id"), ex.getMessage());
        assertTrue(ex.getMessage().contains("kbpf cannot apply"), ex.getMessage());
    }

    @Test
    void coreRelocationThatDisagreesWithLocalBtf() {
        ElfBytes e = obj("core_read");
        e.put32(e.offset("tracepoint/jvm/gc_pause") + 9 * 8 + 4, 17); // r1 = 16 → r1 = 17
        rejects(e.b, "kind byte_off", "instruction holds 17 but local BTF gives 16");
    }

    @Test
    void unknownCoreRelocationKind() {
        ElfBytes e = obj("core_read");
        e.put32(e.firstCoreRelo() + 12, 42);
        rejects(e.b, "kind 42", "unknown kind");
    }

    @Test
    void objectWithoutPrograms() {
        ElfBytes e = obj("counter");
        // the program's only function symbol becomes an object: no program is left
        e.put8(e.symbol("count_bundle_events") + 4, 0x11);
        rejects(e.b, "instructions but no function symbol");
    }

    @Test
    void callIntoAProgramSection() {
        ElfBytes e = obj("subprog");
        // retarget the second `call bump` at the program on_bundle_event
        int sym = (e.symbol("on_bundle_event") - e.offset(".symtab")) / 24;
        e.put32(e.rel(".reltracepoint/jvm/thread_start", 1) + 12, sym);
        rejects(e.b, "call of 'on_bundle_event' in program section", "cannot call another program");
    }

    @Test
    void callThatLandsInsideASubprogram() {
        ElfBytes e = obj("subprog");
        int call = e.offset("tracepoint/jvm/thread_start") + 3 * 8;
        e.put32(call + 4, 20); // against .text: 0 + 20 + 1 = insn 21, inside bump (insns 9 to 22)
        rejects(e.b, "targets insn 21 of .text, which is not the start of a subprogram");
    }

    @Test
    void messagesNameTheExceptionTypeOnly() {
        // a sanity check of the contract: ElfException is unchecked and carries no cause
        ElfException e = assertThrows(ElfException.class, () -> ElfLoader.load(new byte[10], "x"));
        assertEquals(null, e.getCause());
        assertThrows(ElfException.class, () -> ElfLoader.load(Examples.bytes("counter"), ""));
    }
}
