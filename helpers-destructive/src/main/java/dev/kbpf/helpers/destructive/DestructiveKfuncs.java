package dev.kbpf.helpers.destructive;

import dev.kbpf.api.Errno;
import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.CrashReason;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperFunction;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.Machine;
import dev.kbpf.spi.MachineState;
import dev.kbpf.spi.RetType;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The kfunc set {@value #SET_NAME}: the building blocks the reviewers of the Linux destructive-BPF
 * patch set asked for instead of one versatile {@code panic()} — panic, a crash dump then reboot
 * ({@code crash_kexec}, as Linux 6.1), a crash dump alone, halt, reboot — and a console message.
 *
 * <p>The destructive ones carry {@link KfuncFlag#KF_DESTRUCTIVE} and are allowed for the tracing
 * program types only, so the verifier applies the guard rails to every program that calls one.
 * Each returns an integer so a program (and a test) can see {@code -EPERM} when the runtime has
 * disarmed it ({@code kernel.destructive_bpf_enabled=0}); C programs declaring them {@code void}
 * ignore it. The machine is looked up at every call: the set outlives a machine that is replaced.
 */
public final class DestructiveKfuncs {
    private DestructiveKfuncs() {}

    /** The set's name, as {@code kfuncs} and dmesg show it. */
    public static final String SET_NAME = "destructive";

    public static final String BPF_PANIC = "bpf_panic";
    public static final String CRASH_KEXEC = "crash_kexec";
    public static final String BPF_CRASH_DUMP = "bpf_crash_dump";
    public static final String BPF_HALT = "bpf_halt";
    public static final String BPF_REBOOT = "bpf_reboot";
    public static final String BPF_CONSOLE_PRINT = "bpf_console_print";

    /**
     * The longest message read from a program, NUL included: Linux's {@code panic()} formats into
     * a buffer of this size. The verifier has already checked the string is NUL-terminated in
     * read-only memory; this only bounds what a dump and the console carry.
     */
    public static final int MAX_MESSAGE = 1024;

    /** The program types that may call a destructive kfunc: those that observe the system. */
    public static final Set<ProgType> TRACING_TYPES = Set.copyOf(EnumSet.of(
            ProgType.KPROBE, ProgType.TRACEPOINT, ProgType.PERF_EVENT, ProgType.RAW_TRACEPOINT, ProgType.TRACING));

    private static final Set<KfuncFlag> DESTRUCTIVE = Set.of(KfuncFlag.KF_DESTRUCTIVE);
    private static final FunctionProto MESSAGE = FunctionProto.of(RetType.INTEGER, ArgType.PTR_TO_CONST_STR);
    private static final FunctionProto NO_ARGS = FunctionProto.of(RetType.INTEGER);

    /** The set, acting on whatever machine {@code machine} supplies at the time of each call. */
    public static List<BpfKfunc> kfuncs(Supplier<Machine> machine) {
        Objects.requireNonNull(machine, "machine");
        return List.of(
                destructive(BPF_PANIC, MESSAGE, (ctx, r1, r2, r3, r4, r5) -> {
                    machine.get().panic(ctx.readCString(r1, MAX_MESSAGE), CallerFrames.of(ctx, r1, r2, r3, r4, r5));
                    return 0;
                }),
                destructive(CRASH_KEXEC, NO_ARGS, (ctx, r1, r2, r3, r4, r5) -> {
                    machine.get().crashKexec(CallerFrames.of(ctx, r1, r2, r3, r4, r5));
                    return 0;
                }),
                destructive(BPF_CRASH_DUMP, MESSAGE, (ctx, r1, r2, r3, r4, r5) -> {
                    Machine m = machine.get();
                    // a dump during a panic or reboot is not taken: the machine is no longer what the program saw
                    if (m.state() != MachineState.RUNNING) return Errno.EBUSY.negative();
                    String msg = ctx.readCString(r1, MAX_MESSAGE);
                    return m.crashDump(CrashReason.CRASH_DUMP, msg, CallerFrames.of(ctx, r1, r2, r3, r4, r5)).isPresent()
                            ? 0 : Errno.ENOENT.negative(); // the kernel log says why there is no dump
                }),
                destructive(BPF_HALT, NO_ARGS, (ctx, r1, r2, r3, r4, r5) -> {
                    machine.get().halt();
                    return 0;
                }),
                destructive(BPF_REBOOT, NO_ARGS, (ctx, r1, r2, r3, r4, r5) -> {
                    machine.get().reboot();
                    return 0;
                }),
                // not destructive: a message on the console harms nothing, so every program type may print
                new BpfKfunc(new KfuncDescriptor(BPF_CONSOLE_PRINT, MESSAGE, Set.of(), EnumSet.allOf(ProgType.class)),
                        (ctx, r1, r2, r3, r4, r5) -> {
                            machine.get().consolePrint(ctx.readCString(r1, MAX_MESSAGE));
                            return 0;
                        }));
    }

    private static BpfKfunc destructive(String name, FunctionProto proto, HelperFunction body) {
        return new BpfKfunc(new KfuncDescriptor(name, proto, DESTRUCTIVE, TRACING_TYPES), body);
    }
}
