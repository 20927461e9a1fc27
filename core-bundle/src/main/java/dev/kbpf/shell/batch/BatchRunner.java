package dev.kbpf.shell.batch;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Runs Gogo commands without a terminal for {@code bin/kbpf -c 'COMMANDS'} and
 * {@code bin/kbpf FILE.gosh}, prints each result, and ends the JVM with exit status 0 when every
 * command succeeded and 1 at the first one that failed.
 *
 * <p>Gogo's own {@code gosh -c} ends by stopping the framework, which the launcher reports as 117
 * whatever happened, and prints nothing unless each command is wrapped in {@code format}. This
 * component exists only when the launcher sets the framework property {@value #COMMAND_PROPERTY}
 * or {@value #SCRIPT_PROPERTY}; it waits until every bundle has started, so commands never race
 * Declarative Services.
 *
 * <p>A script outlives a reboot of the machine, as a console session would: when a command
 * reboots the framework (a panic, {@code bpf_reboot}), the statements not yet run wait in a JVM-wide
 * queue, and the runner of the next boot goes on with them.
 */
@Component(immediate = true)
public class BatchRunner {
    public static final String COMMAND_PROPERTY = "kbpf.batch.command";
    public static final String SCRIPT_PROPERTY = "kbpf.batch.script";
    /** JVM-wide (a system property, so it survives the framework's class loaders): the statements still to run. */
    private static final String PENDING = "kbpf.batch.pending";

    @Reference
    private CommandProcessor processor;

    @Activate
    void activate(BundleContext context) {
        String command = context.getProperty(COMMAND_PROPERTY);
        String script = context.getProperty(SCRIPT_PROPERTY);
        if (command == null && script == null) return;
        // Gogo replaces System.out with a per-thread stream that would write back into the
        // session: print to the process's own descriptors instead.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Deque<String> pending = pending(command, script, err);
        if (pending == null) System.exit(2);
        Thread runner = new Thread(() -> {
            awaitStartLevel(context);
            Integer status = runAll(pending, out, err, context);
            if (status == null) return; // the framework is going down (reboot or halt): the next boot goes on
            out.flush();
            err.flush();
            // System.exit runs the launcher's shutdown hook, which stops the framework cleanly
            System.exit(status);
        }, "kbpf-batch");
        runner.setDaemon(true);
        runner.start();
    }

    @SuppressWarnings("unchecked")
    private static synchronized Deque<String> pending(String command, String script, PrintStream err) {
        Object existing = System.getProperties().get(PENDING);
        if (existing instanceof Deque<?> d) return (Deque<String>) d;
        String text;
        try {
            text = command != null ? command : Files.readString(Path.of(script), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("kbpf: cannot read script " + script + ": " + e.getMessage());
            return null;
        }
        Deque<String> d = new ConcurrentLinkedDeque<>(Statements.split(text));
        System.getProperties().put(PENDING, d);
        return d;
    }

    /**
     * Waits until the framework has reached the highest start level any bundle asks for and no
     * bundle is still starting: the launcher raises the start level after the framework's STARTED
     * event, and the shell's own bundle starts last.
     */
    private static void awaitStartLevel(BundleContext context) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        FrameworkStartLevel framework = context.getBundle(0).adapt(FrameworkStartLevel.class);
        while (System.nanoTime() < deadline) {
            int wanted = 1;
            boolean starting = false;
            for (Bundle b : context.getBundles()) {
                BundleStartLevel level = b.adapt(BundleStartLevel.class);
                if (level != null && level.isPersistentlyStarted()) wanted = Math.max(wanted, level.getStartLevel());
                // a bundle with lazy activation waits in STARTING for its first class load: not "starting"
                boolean lazy = "lazy".equals(String.valueOf(b.getHeaders("").get("Bundle-ActivationPolicy")).split(";")[0].trim());
                starting |= b.getState() == Bundle.STARTING && !lazy;
            }
            if (framework.getStartLevel() >= wanted && !starting) return;
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs the pending statements: 0 when all succeeded, 1 at the first failure, null when the framework went down meanwhile. */
    Integer runAll(Deque<String> pending, PrintStream out, PrintStream err, BundleContext context) {
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, err)) {
            for (String statement = pending.poll(); statement != null; statement = pending.poll()) {
                try {
                    Object result = session.execute(statement);
                    if (result != null) {
                        CharSequence text = session.format(result, Converter.INSPECT);
                        if (text != null && text.length() > 0) out.println(text);
                    }
                } catch (Exception e) {
                    if (goingDown(context)) return null;
                    // the same words the interactive shell prints: "gogo: CommandNotFoundException: ..."
                    Throwable cause = e;
                    while (cause instanceof java.lang.reflect.InvocationTargetException && cause.getCause() != null) cause = cause.getCause();
                    if (cause instanceof dev.kbpf.shell.CommandException c && c.json()) out.println(c.getMessage());   // bpftool -j: the error object on stdout
                    else err.println("gogo: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
                    if (Boolean.getBoolean("kbpf.batch.trace")) cause.printStackTrace(err);
                    err.flush();
                    return 1;
                }
                if (goingDown(context)) return null;
            }
            return 0;
        }
    }

    /** A reboot (see OsgiFrameworkControl) or a halt is under way. */
    private static boolean goingDown(BundleContext context) {
        if (Boolean.getBoolean(dev.kbpf.machine.FrameworkControl.REBOOTING)) return true;
        try {
            return context.getBundle(0).getState() != Bundle.ACTIVE || context.getBundle().getState() != Bundle.ACTIVE;
        } catch (IllegalStateException invalidContext) {
            return true;
        }
    }
}
