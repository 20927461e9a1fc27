package dev.kbpf.itest;

import static org.junit.Assert.*;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgInfo;
import dev.kbpf.api.ProgLoadAttr;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The JVM's own tracepoints come from JDK Flight Recorder: a program attached to
 * {@code jvm:thread_start} counts threads started after it attached (JFR delivers events about a
 * second late, so the test waits).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JvmTracepointsIT {

    @Inject
    private Bpf bpf;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework();
    }

    private static List<Insn> counting(int map) {
        List<Insn> insns = new ArrayList<>(Assembler.assemble("""
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, 0
                call 1
                jeq %r0, 0, +2
                mov %r1, 1
                lock add [%r0+0], %r1
                mov %r0, 0
                exit"""));
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            if (in.opcode() == Opcodes.LD_IMM64) insns.set(i, new Insn(in.opcode(), in.dst(), Opcodes.PSEUDO_MAP_FD, 0, map));
        }
        return insns;
    }

    private long count(int map) {
        return ByteBuffer.wrap(bpf.mapLookup(map, new byte[4]).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    public void threadStartsReachAnAttachedProgram() throws Exception {
        assertTrue(bpf.tracepoint("jvm:thread_start").isPresent());
        int map = bpf.mapCreate(MapAttr.of(MapType.ARRAY, 4, 8, 1).withName("threads")).id();
        ProgInfo p = bpf.progLoad(ProgLoadAttr.of(ProgType.TRACEPOINT, "threads", counting(map)));
        var link = bpf.attach(p.id(), "jvm:thread_start");
        assertTrue("attaching switches the tracepoint on", bpf.tracepoint("jvm:thread_start").get().isEnabled());
        long deadline = System.currentTimeMillis() + 20_000;
        while (count(map) == 0 && System.currentTimeMillis() < deadline) {
            Thread t = new Thread(() -> { }, "kbpf-test-thread");
            t.start();
            t.join();
            Thread.sleep(200);
        }
        assertTrue("no jvm:thread_start event reached the program within 20 s", count(map) > 0);
        bpf.detach(link.id());
        assertFalse(bpf.tracepoint("jvm:thread_start").get().isEnabled());
        bpf.progUnload(p.id());
        bpf.mapDelete(map);
    }
}
