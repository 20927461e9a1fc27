package dev.kbpf.osgi;

import dev.kbpf.api.Tracepoint;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.tracepoint.TracepointDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The JVM's tracepoints, from JDK Flight Recorder event streaming: {@code jvm:gc_pause},
 * {@code jvm:thread_start}, {@code jvm:thread_end} and {@code jvm:monitor_contended}. A JFR
 * stream runs only while a program is attached to its tracepoint, so an unobserved JVM pays
 * nothing. Events arrive on JFR's streaming thread, about a second after they happen.
 */
@Component(immediate = true)
public class JvmTracepoints {
    private static final Logger LOG = Logger.getLogger(JvmTracepoints.class.getName());
    static final int GC_PAUSE_ID = 2001, THREAD_START_ID = 2002, THREAD_END_ID = 2003, MONITOR_CONTENDED_ID = 2004;

    @Reference
    private BpfRuntime runtime;

    private final Map<String, RecordingStream> streams = new ConcurrentHashMap<>();

    @Activate
    void activate() {
        define("gc_pause", RecordLayouts.GC_PAUSE, "jdk.GarbageCollection", null, (tp, e) -> tp.fire(RecordLayouts.header(GC_PAUSE_ID,
                e.getLong("gcId"), e.getDuration("sumOfPauses").toNanos(), e.getString("name"))));
        define("thread_start", RecordLayouts.THREAD, "jdk.ThreadStart", null, (tp, e) -> {
            RecordedThread t = e.getThread("thread");
            tp.fire(RecordLayouts.header(THREAD_START_ID, t == null ? -1 : t.getJavaThreadId(), t == null ? "" : String.valueOf(t.getJavaName())));
        });
        define("thread_end", RecordLayouts.THREAD, "jdk.ThreadEnd", null, (tp, e) -> {
            RecordedThread t = e.getThread("thread");
            tp.fire(RecordLayouts.header(THREAD_END_ID, t == null ? -1 : t.getJavaThreadId(), t == null ? "" : String.valueOf(t.getJavaName())));
        });
        define("monitor_contended", RecordLayouts.MONITOR_CONTENDED, "jdk.JavaMonitorEnter", Duration.ofMillis(1), (tp, e) -> {
            RecordedThread t = e.getThread();
            tp.fire(RecordLayouts.header(MONITOR_CONTENDED_ID, t == null ? -1 : t.getJavaThreadId(), e.getDuration().toNanos(),
                    e.getClass("monitorClass") == null ? "" : e.getClass("monitorClass").getName()));
        });
    }

    private interface Translator {
        void fire(Tracepoint tp, RecordedEvent e);
    }

    private void define(String name, java.util.List<dev.kbpf.api.TracepointField> layout, String jfrEvent, Duration threshold, Translator translator) {
        TracepointDefinition tp = runtime.tracepointRegistry().define("jvm", name, layout);
        Consumer<Tracepoint> onChange = t -> {
            if (t.isEnabled()) start(tp, jfrEvent, threshold, translator);
            else stop(tp);
        };
        tp.onEnablementChange(onChange);
        if (tp.isEnabled()) start(tp, jfrEvent, threshold, translator);
    }

    private synchronized void start(TracepointDefinition tp, String jfrEvent, Duration threshold, Translator translator) {
        if (streams.containsKey(tp.fullName())) return;
        try {
            RecordingStream rs = new RecordingStream();
            var settings = rs.enable(jfrEvent);
            if (threshold != null) settings.withThreshold(threshold);
            rs.onEvent(jfrEvent, e -> {
                if (tp.isEnabled()) translator.fire(tp, e);
            });
            rs.startAsync();
            streams.put(tp.fullName(), rs);
        } catch (RuntimeException | Error e) {
            LOG.warning("cannot stream JFR events for " + tp.fullName() + ": " + e);
        }
    }

    private synchronized void stop(TracepointDefinition tp) {
        RecordingStream rs = streams.remove(tp.fullName());
        if (rs != null) rs.close();
    }

    @Deactivate
    void deactivate() {
        streams.values().forEach(RecordingStream::close);
        streams.clear();
    }
}
