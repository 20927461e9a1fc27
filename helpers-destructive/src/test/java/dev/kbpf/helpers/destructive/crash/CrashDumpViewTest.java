package dev.kbpf.helpers.destructive.crash;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.PanicContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashDumpViewTest {
    @TempDir Path dir;

    private CrashDumpView viewOf(dev.kbpf.spi.CrashReport report) throws IOException {
        Path f = new JsonCrashDumpWriter(dir).write(report);
        return new CrashDumpView(new CrashDumpReader(dir).read(f), f.getFileName().toString());
    }

    @Test
    void sysShowsTheSystemAndThePanic() throws IOException {
        assertEquals("""
                      KERNEL: kbpf 0.1.0-test
                    DUMPFILE: crash-20261125T120001.500000Z-3f2a9c1e-0001.json
                     BOOT ID: 3f2a9c1e-0000-4000-8000-000000000001
                        DATE: Wed Nov 25 12:00:01 UTC 2026
                      UPTIME: 01:02:03
                       TASKS: 2
                    PROGRAMS: 1
                        MAPS: 1
                       LINKS: 1
                     BUNDLES: 2
                       STATE: PANICKED
                      REASON: PANIC (bpf_panic)
                      CALLER: prog 7 'detect' tag 0123456789abcdef type TRACEPOINT at insn 4
                       PANIC: "Kernel panic - not syncing: condition X seen"
                """, viewOf(CrashDumps.panic()).sys());
    }

    @Test
    void sysOfADumpThatWasNoPanicHasAnEmptyPanicString() throws IOException {
        String sys = viewOf(CrashDumps.report(CrashReason.CRASH_DUMP, "look here", MachineState.RUNNING,
                new PanicContext.Kernel("shell: crash dump"), CrashDumps.TIME)).sys();
        assertTrue(sys.contains("      REASON: CRASH_DUMP (bpf_crash_dump)\n"), sys);
        assertTrue(sys.contains("       PANIC: \"\"\n"), sys);
        assertTrue(sys.contains("     MESSAGE: \"look here\"\n"), sys);
        assertTrue(sys.contains("      CALLER: shell: crash dump\n"), sys);
        assertTrue(sys.contains("       STATE: RUNNING\n"), sys);
    }

    @Test
    void logIsTheKernelLogAsDmesgPrintedIt() throws IOException {
        CrashDumpView v = viewOf(CrashDumps.panic());
        assertEquals("""
                [    0.000000] kbpf version 0.1.0-test (boot 3f2a9c1e-0000-4000-8000-000000000001)
                [ 3723.456789] Kernel panic - not syncing: condition X seen
                """, v.log());
        assertTrue(v.log(true).startsWith("<5>[    0.000000] kbpf version"), v.log(true));
        assertTrue(v.log(true).contains("\n<0>[ 3723.456789] Kernel panic"), v.log(true));
    }

    @Test
    void btShowsTheProgramFrameThenTheThreadsCallerFirst() throws IOException {
        String bt = viewOf(CrashDumps.panic()).bt();
        List<String> lines = bt.lines().toList();
        assertEquals("PROG: 7      NAME: \"detect\"  TAG: 0123456789abcdef  TYPE: TRACEPOINT  JITED: no", lines.get(0));
        assertEquals(" #0 [insn 4] call bpf_panic#3", lines.get(1));
        assertEquals("    R0:  0000000000000000 R1:  1122334455667788 R2:  0000000000000002", lines.get(2));
        assertEquals("    R9:  0000000000000009 R10: ffff000100000040", lines.get(5));
        assertEquals("    instructions:", lines.get(6));
        assertEquals(List.of(
                "         0: (b7) r1 = 42",
                "         1: (63) *(u32 *)(r10 -4) = r1",
                "         2: (18) r1 = map[id:3][0]+0",
                "    =>   4: (85) call bpf_panic#3",
                "         5: (95) exit"), lines.subList(7, 12), "the second slot of the wide load is not shown");
        assertEquals("    stack (64 bytes below R10):", lines.get(12));
        assertEquals("    r10-64   00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", lines.get(13));
        assertEquals("    *", lines.get(14));
        assertEquals("    r10-16   00 00 00 00 00 00 00 00 00 00 00 00 2a 00 00 00", lines.get(15));
        int main = lines.indexOf("TID: 1      STATE: WAITING       COMMAND: \"main\"  (calling thread)");
        int worker = lines.indexOf("TID: 42     STATE: RUNNABLE      COMMAND: \"kbpf-tracepoint\"  DAEMON");
        assertTrue(main > 15 && worker > main, bt);
        assertEquals("    waiting on java.lang.Object@1b6d3586", lines.get(main + 1));
        assertEquals(" #0  at java.lang.Object.wait(Native Method)", lines.get(main + 2));
        assertEquals(" #1  at dev.kbpf.Launcher.main(Launcher.java:10)", lines.get(main + 3));
    }

    @Test
    void btWithoutAProgramSaysWhoCalled() throws IOException {
        String bt = viewOf(CrashDumps.report(CrashReason.CRASH_KEXEC, "crash_kexec", MachineState.PANICKED,
                new PanicContext.Kernel("shell: crash_kexec"), CrashDumps.TIME)).bt();
        assertTrue(bt.startsWith("no BPF program frame: called by shell: crash_kexec\n"), bt);
        assertTrue(bt.contains("COMMAND: \"main\"  (calling thread)"), bt);
    }

    @Test
    void theListingShowsOneDumpALine() throws IOException {
        new JsonCrashDumpWriter(dir).write(CrashDumps.panic());
        String listing = CrashDumpView.listing(new CrashDumpReader(dir).list());
        List<String> lines = listing.lines().toList();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("ID ") && lines.get(0).contains("REASON"));
        assertTrue(lines.get(1).startsWith("crash-20261125T120001.500000Z-3f2a9c1e-0001 "), lines.get(1));
        assertTrue(lines.get(1).contains("2026-11-25T12:00:01.500Z") && lines.get(1).endsWith("PANIC        condition X seen"), lines.get(1));
        assertEquals("no crash dumps\n", CrashDumpView.listing(List.of()));
    }

    @Test
    void aHandEditedDumpIsShownAsFarAsItMakesSense() throws IOException {
        java.nio.file.Files.writeString(dir.resolve("crash-20261125T120000.000000Z-00000000-0001.json"), """
                {"format": 1, "reason": "PANIC", "kfunc": "bpf_panic", "message": "m", "time": "2026-11-25T12:00:00Z",
                 "caller": {"kind": "program", "progId": 3, "stack": "zz", "threadId": 9}}""");
        CrashDumpDocument d = new CrashDumpReader(dir).read("crash-20261125T120000.000000Z-00000000-0001");
        String bt = new CrashDumpView(d, "f").bt();
        assertTrue(bt.contains(" #0 [insn -1] (instructions not in the dump)"), bt);
        assertTrue(bt.contains("stack unreadable"), bt);
        assertTrue(new CrashDumpView(d, "f").sys().contains("       PANIC: \"Kernel panic - not syncing: m\""));
    }

    @Test
    void uptimeAsCrashPrintsIt() {
        assertEquals("00:00:00", CrashDumpView.uptime(999_999_999L));
        assertEquals("01:02:03", CrashDumpView.uptime(3_723_000_000_000L));
        assertEquals("1 day, 00:00:01", CrashDumpView.uptime(86_401_000_000_000L));
        assertEquals("3 days, 02:00:00", CrashDumpView.uptime((3 * 86_400 + 7200) * 1_000_000_000L));
    }
}
