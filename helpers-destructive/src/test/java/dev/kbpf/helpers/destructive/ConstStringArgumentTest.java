package dev.kbpf.helpers.destructive;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import dev.kbpf.api.LoadFlags;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.verifier.DestructivePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message reaches the console and the crash dump as the program was verified with: the verifier
 * accepts only a constant, NUL-terminated string in read-only memory (a frozen {@code .rodata}).
 */
class ConstStringArgumentTest {
    @TempDir Path home;
    private DestructiveRuntime rt;

    @BeforeEach
    void start() {
        rt = new DestructiveRuntime(home.resolve("crash"));
        rt.bpf.setDestructivePolicy(DestructivePolicy.FULL);
        rt.destructiveEnabled(true);
    }

    @AfterEach
    void stop() { rt.close(); }

    private BpfException rejected(ProgLoadAttr attr) {
        return assertThrows(BpfException.class, () -> rt.bpf.progLoad(attr));
    }

    private static ProgLoadAttr panicWith(List<Insn> settingR1) {
        List<Insn> insns = new ArrayList<>(settingR1);
        insns.add(new Insn(Opcodes.JMP | Opcodes.CALL, 0, Opcodes.PSEUDO_KFUNC_CALL, 0, 0));
        insns.add(new Insn(Opcodes.JMP | Opcodes.EXIT, 0, 0, 0, 0));
        return new ProgLoadAttr(ProgType.TRACEPOINT, insns, "GPL", "msg", LoadFlags.BPF_F_DESTRUCTIVE, 1, Credentials.root(),
                List.of(), List.of("bpf_panic"), Map.of(), "");
    }

    private static List<Insn> mapValue(int map, int off) {
        return List.of(new Insn(Opcodes.LD_IMM64, 1, Opcodes.PSEUDO_MAP_VALUE, 0, map), new Insn(0, 0, 0, 0, off));
    }

    private int map(byte[] value, int flags, boolean freeze) {
        return rt.bpf.mapCreateGlobalData(new MapAttr(MapType.ARRAY, 4, value.length, 1, flags, "str"), value, freeze).id();
    }

    @Test
    void aStringOnTheStackIsRefused() {
        BpfException e = rejected(panicWith(List.of(
                new Insn(Opcodes.ST | Opcodes.MEM | Opcodes.DW, 10, 0, -8, 0x41),
                new Insn(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 1, 10, 0, 0),
                new Insn(Opcodes.ALU64 | Opcodes.ADD | Opcodes.K, 1, 0, 0, -8))));
        assertEquals(Errno.EACCES, e.errno());
        assertTrue(e.reason().startsWith("R1 type=fp expected=map_value"), e.reason());
    }

    @Test
    void aStringInWritableOrUnfrozenMemoryIsRefused() {
        byte[] text = "boom\0".getBytes(StandardCharsets.UTF_8);
        for (int m : new int[] {map(text, 0, true), map(text, MapFlags.BPF_F_RDONLY_PROG, false)}) {
            BpfException e = rejected(panicWith(mapValue(m, 0)));
            assertEquals(Errno.EACCES, e.errno());
            assertEquals("R1 does not point to a readonly map'", e.reason());
        }
    }

    @Test
    void aStringWithoutItsNulIsRefused() {
        int m = map("boom".getBytes(StandardCharsets.UTF_8), MapFlags.BPF_F_RDONLY_PROG, true);
        BpfException e = rejected(panicWith(mapValue(m, 0)));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("string is not zero-terminated", e.reason());
    }

    @Test
    void aConstantStringPartWayIntoRodataIsTheMessage() {
        int m = map("xx\0too many stops\0".getBytes(StandardCharsets.UTF_8), MapFlags.BPF_F_RDONLY_PROG, true);
        var p = rt.bpf.progLoad(panicWith(mapValue(m, 3)));
        rt.bpf.progTestRun(p.id(), new byte[8], 1);
        assertTrue(rt.dmesg().contains("Kernel panic - not syncing: too many stops\n"), rt.dmesg());
    }
}
