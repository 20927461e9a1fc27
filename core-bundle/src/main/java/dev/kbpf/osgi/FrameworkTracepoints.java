package dev.kbpf.osgi;

import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.tracepoint.TracepointDefinition;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The framework's own tracepoints: {@code osgi:bundle_event}, {@code osgi:service_event} and
 * {@code osgi:framework_event}, fired from the framework's listeners. A record is built only
 * while a program is attached.
 */
@Component(immediate = true)
public class FrameworkTracepoints implements SynchronousBundleListener, ServiceListener, FrameworkListener {
    static final int BUNDLE_EVENT_ID = 1001, SERVICE_EVENT_ID = 1002, FRAMEWORK_EVENT_ID = 1003;

    @Reference
    private BpfRuntime runtime;

    private BundleContext context;
    private TracepointDefinition bundleEvent, serviceEvent, frameworkEvent;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        bundleEvent = runtime.tracepointRegistry().define("osgi", "bundle_event", RecordLayouts.BUNDLE_EVENT);
        serviceEvent = runtime.tracepointRegistry().define("osgi", "service_event", RecordLayouts.SERVICE_EVENT);
        frameworkEvent = runtime.tracepointRegistry().define("osgi", "framework_event", RecordLayouts.FRAMEWORK_EVENT);
        context.addBundleListener(this);
        context.addServiceListener(this);
        context.addFrameworkListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        context.removeServiceListener(this);
        context.removeFrameworkListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent e) {
        if (!bundleEvent.isEnabled()) return;
        bundleEvent.fire(RecordLayouts.header(BUNDLE_EVENT_ID, e.getBundle().getBundleId(), e.getType(), e.getBundle().getState(),
                String.valueOf(e.getBundle().getSymbolicName())));
    }

    @Override
    public void serviceChanged(ServiceEvent e) {
        if (!serviceEvent.isEnabled()) return;
        Object id = e.getServiceReference().getProperty(Constants.SERVICE_ID);
        String[] classes = (String[]) e.getServiceReference().getProperty(Constants.OBJECTCLASS);
        long bundle = e.getServiceReference().getBundle() == null ? -1 : e.getServiceReference().getBundle().getBundleId();
        serviceEvent.fire(RecordLayouts.header(SERVICE_EVENT_ID, id instanceof Number n ? n.longValue() : -1, e.getType(), 0,
                bundle, classes == null || classes.length == 0 ? "" : classes[0]));
    }

    @Override
    public void frameworkEvent(FrameworkEvent e) {
        if (!frameworkEvent.isEnabled()) return;
        frameworkEvent.fire(RecordLayouts.header(FRAMEWORK_EVENT_ID, e.getType(), 0, e.getBundle() == null ? 0 : e.getBundle().getBundleId()));
    }
}
