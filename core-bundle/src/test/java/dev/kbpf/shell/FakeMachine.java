package dev.kbpf.shell;

import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.Machine;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.PanicContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A machine that only keeps a kernel log; its destructive operations are not used by the shell tests. */
final class FakeMachine implements Machine {
    final List<KmsgRecord> log = new ArrayList<>();

    @Override public MachineState state() { return MachineState.RUNNING; }
    @Override public UUID bootId() { return new UUID(1, 2); }
    @Override public long uptimeNanos() { return 5_000_000_000L; }
    @Override public Optional<String> panicMessage() { return Optional.empty(); }
    @Override public void panic(String message, PanicContext caller) { throw new UnsupportedOperationException("not in the shell tests"); }
    @Override public Optional<Path> crashDump(CrashReason reason, String message, PanicContext caller) { throw new UnsupportedOperationException("not in the shell tests"); }
    @Override public void crashKexec(PanicContext caller) { throw new UnsupportedOperationException("not in the shell tests"); }
    @Override public void halt() { throw new UnsupportedOperationException("not in the shell tests"); }
    @Override public void reboot() { throw new UnsupportedOperationException("not in the shell tests"); }
    @Override public void consolePrint(String message) { printk(LogLevel.KERN_INFO, message); }
    @Override public void printk(LogLevel level, String message) { log.add(new KmsgRecord(log.size(), level, 1_500_000L * (log.size() + 1), message)); }
    @Override public List<KmsgRecord> dmesg() { return List.copyOf(log); }
}
