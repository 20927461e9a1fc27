package dev.kbpf.helpers.tracing;

import dev.kbpf.spi.CallContext;
import java.nio.charset.StandardCharsets;

/**
 * The "current task" of a JVM: the thread running the program. Answers
 * {@code bpf_get_current_pid_tgid}, {@code bpf_get_current_uid_gid},
 * {@code bpf_get_current_comm} and {@code bpf_get_smp_processor_id}.
 *
 * <p>Linux's task id ({@code pid}) is the thread's id ({@link Thread#getId()}, the number the
 * tracepoints' {@code common_pid} and the trace pipe show), its thread group id ({@code tgid})
 * the JVM's process id. {@code comm} is the thread's name, cut to
 * {@value #TASK_COMM_LEN}{@code - 1} bytes of UTF-8, as Linux cuts a task's name.
 */
final class CurrentTask {
    /** Linux's {@code TASK_COMM_LEN}: the size of {@code comm}, NUL included. */
    static final int TASK_COMM_LEN = 16;

    private final long tgid;
    private final long uidGid;
    /** The name a thread had when its comm was last built, and that comm: rebuilt only after a rename. */
    private final ThreadLocal<Comm> comms = ThreadLocal.withInitial(() -> Comm.of(""));

    private record Comm(String name, byte[] bytes) {
        static Comm of(String name) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            int n = 0;
            while (n < utf8.length && n < TASK_COMM_LEN - 1 && utf8[n] != 0) n++;
            byte[] comm = new byte[TASK_COMM_LEN];
            System.arraycopy(utf8, 0, comm, 0, n);
            return new Comm(name, comm);
        }
    }

    CurrentTask(long tgid, ProcessCredentials credentials) {
        this.tgid = tgid;
        this.uidGid = credentials.uidGid();
    }

    /** The JVM's process and credentials. */
    static CurrentTask ofThisProcess() {
        return new CurrentTask(ProcessHandle.current().pid(), ProcessCredentials.current());
    }

    /** {@code u64 bpf_get_current_pid_tgid(void)}: {@code tgid << 32 | pid}. */
    long pidTgid() {
        return tgid << 32 | (Thread.currentThread().getId() & 0xffff_ffffL);
    }

    /** {@code u64 bpf_get_current_uid_gid(void)}: {@code gid << 32 | uid}. */
    long uidGid() { return uidGid; }

    /** The current thread's {@code comm}: {@value #TASK_COMM_LEN} bytes, NUL-padded; callers must not change it. */
    byte[] comm() {
        String name = Thread.currentThread().getName();
        Comm c = comms.get();
        if (c.name() != name) {
            c = Comm.of(name);
            comms.set(c);
        }
        return c.bytes();
    }

    /**
     * {@code long bpf_get_current_comm(buf, size)}: as Linux's {@code strscpy_pad}, at most
     * {@code size - 1} bytes of the name, a NUL, and zeros up to {@code size}; answers 0.
     */
    long getCurrentComm(CallContext ctx, long buf, long size) {
        int n = (int) Math.min(size & 0xffff_ffffL, Integer.MAX_VALUE);
        if (n == 0) return 0;
        byte[] comm = comm();
        int len = 0;
        while (len < comm.length && comm[len] != 0) len++;
        int copy = Math.min(len, n - 1);
        ctx.write(buf, comm, 0, copy);
        for (int off = copy; off < n; off += ZEROS.length) ctx.write(buf + off, ZEROS, 0, Math.min(ZEROS.length, n - off));
        return 0;
    }

    private static final byte[] ZEROS = new byte[256];
}
