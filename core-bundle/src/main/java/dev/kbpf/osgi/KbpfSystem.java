package dev.kbpf.osgi;

import dev.kbpf.api.Bpf;
import dev.kbpf.machine.FrameworkControl;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.Machine;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.verifier.DestructivePolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * One boot of the BPF subsystem: makes the sysctls (kept in ConfigAdmin), the machine (the
 * framework as destructive calls see it) and the runtime, and registers them as services —
 * {@link Bpf} and {@link Machine} for everyone, {@link BpfRuntime} and {@link SysctlRegistry} for
 * core's own components. A framework restart (reboot) makes a new one: a new boot id, no
 * programs, maps or links.
 *
 * <p>Configuration PID {@value #PID}: {@code destructive.policy} = {@code full} (all four
 * guard rails) or {@code linux-6.1} (program type and CAP_SYS_BOOT only); {@code machine.mode} =
 * {@code framework} (halt stops and reboot restarts the framework) or {@code record} (tests:
 * halt and reboot are recorded; a recorded reboot clears the runtime and boots the machine
 * again). The framework property {@code kbpf.machine.mode} sets the mode too.
 */
@Component(immediate = true, configurationPid = KbpfSystem.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
public class KbpfSystem {
    static final String PID = "dev.kbpf.core";
    private static final Logger LOG = Logger.getLogger(KbpfSystem.class.getName());

    @Reference
    private ConfigurationAdmin configAdmin;

    private ScheduledExecutorService scheduler;
    private SysctlRegistry sysctls;
    private FrameworkMachine machine;
    private BpfRuntime runtime;
    private RecordingFrameworkControl recording;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kbpf-timer");
            t.setDaemon(true);
            return t;
        });
        List<String> early = new ArrayList<>();
        sysctls = SysctlRegistry.withStandardSysctls(new ConfigAdminSysctlStore(configAdmin), scheduler, Clock.systemUTC(), early::add);
        String mode = String.valueOf(config.getOrDefault("machine.mode", context.getProperty("kbpf.machine.mode") == null
                ? "framework" : context.getProperty("kbpf.machine.mode"))).trim().toLowerCase(Locale.ROOT);
        FrameworkControl control;
        if (mode.equals("record")) {
            recording = new RecordingFrameworkControl();
            control = new FrameworkControl() {
                @Override public void halt() { recording.halt(); }

                @Override public void reboot() {
                    recording.reboot();
                    // as after a real reboot: nothing loaded survives; the machine boots again
                    scheduler.execute(() -> {
                        runtime.shutdown();
                        machine.boot();
                    });
                }
            };
        } else {
            control = new OsgiFrameworkControl(context);
        }
        machine = FrameworkMachine.builder(control, sysctls, scheduler)
                .kbpfVersion(context.getBundle().getVersion().toString())
                .build();
        early.forEach(w -> machine.printk(LogLevel.KERN_WARNING, "sysctl: " + w));
        runtime = new BpfRuntime(machine, sysctls);
        applyPolicy(config);
        machine.setSystemSnapshot(new RuntimeSnapshot(runtime, context));
        registrations.add(context.registerService(SysctlRegistry.class, sysctls, null));
        registrations.add(context.registerService(Machine.class, machine, null));
        registrations.add(context.registerService(FrameworkMachine.class, machine, null));
        registrations.add(context.registerService(BpfRuntime.class, runtime, null));
        registrations.add(context.registerService(Bpf.class, runtime, null));
        if (recording != null) registrations.add(context.registerService(RecordingFrameworkControl.class, recording, null));
    }

    @Modified
    void modified(Map<String, Object> config) {
        applyPolicy(config);
    }

    private void applyPolicy(Map<String, Object> config) {
        String policy = String.valueOf(config.getOrDefault("destructive.policy", "full")).trim().toLowerCase(Locale.ROOT);
        DestructivePolicy p = switch (policy) {
            case "linux-6.1", "linux_6_1", "linux61" -> DestructivePolicy.LINUX_6_1;
            case "full" -> DestructivePolicy.FULL;
            default -> {
                LOG.warning(PID + ": destructive.policy '" + policy + "' is neither full nor linux-6.1; using full");
                yield DestructivePolicy.FULL;
            }
        };
        runtime.setDestructivePolicy(p);
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        registrations.clear();
        runtime.shutdown();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
