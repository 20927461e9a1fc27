package dev.kbpf.api;

/** The Linux error numbers that bpf(2) returns, with their x86-64 values. */
public enum Errno {
    EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), E2BIG(7), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14),
    EBUSY(16), EEXIST(17), EINVAL(22), ENOSPC(28), ERANGE(34), ENOTSUP(95), ELOOP(40), ENOTSUPP(524);

    private final int value;

    Errno(int value) { this.value = value; }

    public int value() { return value; }

    /** What a helper returns to a BPF program for this error: {@code -errno}. */
    public long negative() { return -value; }
}
