package dev.kbpf.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Everything a crash dump holds, collected by the machine at the moment of the crash and
 * handed to a {@link CrashDumpWriter}.
 *
 * @param state          the machine's state when the dump was taken ({@code PANICKED} during a panic)
 * @param caller         who asked for the dump: a program's frame or the kernel
 * @param callerThreadId the JVM thread that made the call (the "panic task" of {@code crash}'s {@code bt})
 * @param sysctls        every sysctl's value by name
 * @param dmesg          the kernel log up to and including the lines about this crash
 */
public record CrashReport(CrashReason reason, String message, Instant time, UUID bootId, long uptimeNanos,
                          String kbpfVersion, MachineState state, PanicContext caller, long callerThreadId,
                          List<ProgramSnapshot> programs, List<MapSnapshot> maps, List<LinkSnapshot> links,
                          List<BundleSnapshot> bundles, Map<String, Integer> sysctls, List<KmsgRecord> dmesg,
                          List<ThreadSnapshot> threads) {

    public CrashReport {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(kbpfVersion, "kbpfVersion");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(caller, "caller");
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        links = List.copyOf(links);
        bundles = List.copyOf(bundles);
        sysctls = java.util.Collections.unmodifiableMap(new TreeMap<>(sysctls));
        dmesg = List.copyOf(dmesg);
        threads = List.copyOf(threads);
    }
}
