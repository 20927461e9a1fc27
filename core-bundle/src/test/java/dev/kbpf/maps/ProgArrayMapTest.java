package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class ProgArrayMapTest {

    record Prog(int progId, ProgType progType) implements TailCallTarget {}

    private static ProgArrayMap progArray(int max) {
        return (ProgArrayMap) MapFactory.create(MapAttr.of(MapType.PROG_ARRAY, 4, 4, max), 1);
    }

    @Test
    void programsByIndex() {
        ProgArrayMap m = progArray(4);
        Prog a = new Prog(10, ProgType.TRACEPOINT), b = new Prog(11, ProgType.TRACEPOINT);
        m.setProgramResolver(Map.of(10, a, 11, b)::get);
        assertNull(m.program(0));
        m.update(u32(0), u32(10), BPF_ANY);
        m.setProgram(3, b);
        assertSame(a, m.program(0));
        assertSame(b, m.program(3));
        assertNull(m.program(4));
        assertNull(m.program(-1));
        assertNull(m.program(0xffffffffL));
        assertEquals(10, asU32(m.lookup(u32(0))), "the syscall side shows the program id");
        assertNull(m.lookup(u32(1)));
        m.delete(u32(0));
        assertNull(m.program(0));
        assertErrno(Errno.ENOENT, () -> m.delete(u32(0)));
        assertEquals(1, m.removeProgram(b));
        assertNull(m.program(3));
    }

    @Test
    void errors() {
        ProgArrayMap m = progArray(2);
        Prog tp = new Prog(1, ProgType.TRACEPOINT);
        assertErrno(Errno.EBADF, () -> m.update(u32(0), u32(1), BPF_ANY));
        m.setProgramResolver(Map.of(1, tp, 2, new Prog(2, ProgType.XDP))::get);
        assertErrno(Errno.EINVAL, () -> m.update(u32(0), u32(1), BPF_NOEXIST));
        assertErrno(Errno.EINVAL, () -> m.update(u32(0), u32(1), BPF_EXIST));
        assertErrno(Errno.E2BIG, () -> m.update(u32(2), u32(1), BPF_ANY));
        assertErrno(Errno.EBADF, () -> m.update(u32(0), u32(3), BPF_ANY));
        assertErrno(Errno.EINVAL, () -> m.update(u32(0), new byte[8], BPF_ANY));
        m.update(u32(0), u32(1), BPF_ANY);
        assertTrue(assertErrno(Errno.EINVAL, () -> m.update(u32(1), u32(2), BPF_ANY)).reason().contains("XDP"));
        assertNull(m.program(1));
        assertErrno(Errno.E2BIG, () -> m.delete(u32(5)));
        assertEquals(-1, m.lookupForProgram(u32(0), 0));
        assertEquals(-Errno.EINVAL.value(), m.updateFromProgram(u32(0), 0, u32(1), 0, BPF_ANY));
        assertEquals(-Errno.EINVAL.value(), m.deleteFromProgram(u32(0), 0));
        assertEquals(0, m.valueStorageCount());
        assertErrno(Errno.ENOTSUPP, () -> m.valueStorage(0));
        assertEquals(1, asU32(m.getNextKey(u32(0))));
        assertNull(m.getNextKey(u32(1)));
    }
}
