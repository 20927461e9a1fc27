package dev.kbpf.helpers.tracing;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real user and group id of the JVM process, for {@code bpf_get_current_uid_gid} (Linux
 * answers the current task's {@code cred->uid} and {@code cred->gid}; every thread of the JVM
 * shares them).
 *
 * <p>Found once, in this order: the JDK's {@code com.sun.security.auth.module.UnixSystem}
 * (reached by reflection, so the bundle imports no {@code com.sun} package and still resolves
 * where it is absent), then the owner of {@code /proc/self} (the effective ids, equal to the
 * real ones unless the JVM runs set-uid), else 0 — root — where neither exists.
 */
record ProcessCredentials(long uid, long gid) {

    /** The process's ids, looked up once. */
    static ProcessCredentials current() { return Holder.CURRENT; }

    /** {@code bpf_get_current_uid_gid}'s answer: {@code gid << 32 | uid}. */
    long uidGid() { return (gid & 0xffff_ffffL) << 32 | (uid & 0xffff_ffffL); }

    private static final class Holder {
        static final ProcessCredentials CURRENT = lookUp();
    }

    private static ProcessCredentials lookUp() {
        try {
            Class<?> unix = Class.forName("com.sun.security.auth.module.UnixSystem");
            Object system = unix.getConstructor().newInstance();
            Method uid = unix.getMethod("getUid");
            Method gid = unix.getMethod("getGid");
            return new ProcessCredentials((Long) uid.invoke(system), (Long) gid.invoke(system));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notThere) {
            // not a HotSpot-like JDK on Unix, or the module is missing: try /proc
        }
        try {
            Path self = Path.of("/proc/self");
            Object uid = Files.getAttribute(self, "unix:uid");
            Object gid = Files.getAttribute(self, "unix:gid");
            return new ProcessCredentials(((Number) uid).longValue(), ((Number) gid).longValue());
        } catch (Exception notThere) {
            return new ProcessCredentials(0, 0);
        }
    }
}
