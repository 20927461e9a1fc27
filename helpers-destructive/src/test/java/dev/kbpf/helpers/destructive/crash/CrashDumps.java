package dev.kbpf.helpers.destructive.crash;

import dev.kbpf.api.MapType;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import dev.kbpf.spi.BundleSnapshot;
import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.CrashReport;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LinkSnapshot;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.MapSnapshot;
import dev.kbpf.spi.PanicContext;
import dev.kbpf.spi.ProgramSnapshot;
import dev.kbpf.spi.ThreadSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A crash report with one of everything, fixed so that views can be compared line by line. */
final class CrashDumps {
    private CrashDumps() {}

    static final UUID BOOT = UUID.fromString("3f2a9c1e-0000-4000-8000-000000000001");
    static final Instant TIME = Instant.parse("2026-11-25T12:00:01.500Z");

    static PanicContext.ProgramFrame frame() {
        byte[] stack = new byte[64];
        stack[60] = 0x2a; // a value the program stored at r10-4
        return new PanicContext.ProgramFrame(7, "detect", "0123456789abcdef", ProgType.TRACEPOINT, 4,
                new long[] {0, 0x1122334455667788L, 2, 3, 4, 5, 6, 7, 8, 9, 0xffff_0001_0000_0040L}, stack);
    }

    static ProgramSnapshot program() {
        return new ProgramSnapshot(7, "detect", "0123456789abcdef", ProgType.TRACEPOINT, false,
                List.of(new Insn(0xb7, 1, 0, 0, 42), new Insn(0x63, 10, 1, -4, 0), new Insn(0x18, 1, 2, 0, 0x100),
                        new Insn(0, 0, 0, 0, 0), new Insn(0x85, 0, 2, 0, 3), new Insn(0x95, 0, 0, 0, 0)),
                List.of("r1 = 42", "*(u32 *)(r10 -4) = r1", "r1 = map[id:3][0]+0", "", "call bpf_panic#3", "exit"));
    }

    static CrashReport report(CrashReason reason, String message, MachineState state, PanicContext caller, Instant time) {
        return new CrashReport(reason, message, time, BOOT, 3_723_456_789_000L, "0.1.0-test", state, caller, 1,
                List.of(program()),
                List.of(new MapSnapshot(3, "hits", MapType.HASH, 4, 8, 1024, 100,
                        List.of(new MapSnapshot.Entry(new byte[] {1, 0, 0, 0}, new byte[] {5, 0, 0, 0, 0, 0, 0, 0})))),
                List.of(new LinkSnapshot(1, "tracepoint", 7, "sched:sched_switch")),
                List.of(new BundleSnapshot(0, "org.apache.felix.framework", "7.0.5", "ACTIVE"),
                        new BundleSnapshot(5, "dev.kbpf.helpers.destructive", "0.1.0", "ACTIVE")),
                Map.of("kernel.panic", 0, "kernel.destructive_bpf_enabled", 1),
                List.of(new KmsgRecord(0, LogLevel.KERN_NOTICE, 0, "kbpf version 0.1.0-test (boot " + BOOT + ")"),
                        new KmsgRecord(1, LogLevel.KERN_EMERG, 3_723_456_789_000L, "Kernel panic - not syncing: " + message)),
                List.of(new ThreadSnapshot(1, "main", "WAITING", false, "java.lang.Object@1b6d3586",
                                List.of("at java.lang.Object.wait(Native Method)", "at dev.kbpf.Launcher.main(Launcher.java:10)")),
                        new ThreadSnapshot(42, "kbpf-tracepoint", "RUNNABLE", true, "",
                                List.of("at dev.kbpf.helpers.destructive.Kfuncs.bpfPanic(Kfuncs.java:20)"))));
    }

    static CrashReport panic() {
        return report(CrashReason.PANIC, "condition X seen", MachineState.PANICKED, frame(), TIME);
    }
}
