package dev.kbpf.machine;

import dev.kbpf.spi.ThreadSnapshot;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The JVM's threads with their stacks and locks, as {@code jstack} shows them: the "tasks" of a crash dump. */
public final class JvmThreads {
    private JvmThreads() {}

    /** Every live thread, by id. ThreadInfo's own toString stops at 8 frames, so frames are rendered here in full. */
    public static List<ThreadSnapshot> capture() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] infos = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        List<ThreadSnapshot> out = new ArrayList<>(infos.length);
        for (ThreadInfo ti : infos) {
            if (ti == null) continue; // died meanwhile
            out.add(new ThreadSnapshot(ti.getThreadId(), ti.getThreadName(), ti.getThreadState().name(), ti.isDaemon(),
                    waitingOn(ti), frames(ti)));
        }
        out.sort(Comparator.comparingLong(ThreadSnapshot::id));
        return out;
    }

    private static String waitingOn(ThreadInfo ti) {
        if (ti.getLockName() == null) return "";
        return ti.getLockOwnerName() == null ? ti.getLockName()
                : ti.getLockName() + " owned by \"" + ti.getLockOwnerName() + "\" tid=" + ti.getLockOwnerId();
    }

    /** As jstack prints a frame: the module if any, never the class loader's name (which StackTraceElement adds, as {@code app//}). */
    static String frame(StackTraceElement e) {
        StringBuilder sb = new StringBuilder();
        if (e.getModuleName() != null) {
            sb.append(e.getModuleName());
            if (e.getModuleVersion() != null) sb.append('@').append(e.getModuleVersion());
            sb.append('/');
        }
        sb.append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
        if (e.isNativeMethod()) sb.append("Native Method");
        else if (e.getFileName() == null) sb.append("Unknown Source");
        else {
            sb.append(e.getFileName());
            if (e.getLineNumber() >= 0) sb.append(':').append(e.getLineNumber());
        }
        return sb.append(')').toString();
    }

    private static List<String> frames(ThreadInfo ti) {
        StackTraceElement[] stack = ti.getStackTrace();
        MonitorInfo[] monitors = ti.getLockedMonitors();
        List<String> out = new ArrayList<>(stack.length);
        for (int i = 0; i < stack.length; i++) {
            StringBuilder sb = new StringBuilder("at ").append(frame(stack[i]));
            LockInfo blocked = i == 0 ? ti.getLockInfo() : null;
            if (blocked != null) sb.append(" - ").append(ti.getThreadState() == Thread.State.BLOCKED ? "blocked on " : "waiting on ").append(blocked);
            for (MonitorInfo m : monitors) if (m.getLockedStackDepth() == i) sb.append(" - locked ").append(m);
            out.add(sb.toString());
        }
        return out;
    }
}
