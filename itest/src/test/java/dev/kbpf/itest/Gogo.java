package dev.kbpf.itest;

import static org.junit.Assert.assertNotNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Runs a Gogo command through the CommandProcessor service, as a person at the shell would. */
final class Gogo {
    private Gogo() {}

    /** What the command printed followed by its formatted result. */
    static String run(BundleContext ctx, String command) throws Exception {
        ServiceReference<CommandProcessor> ref = ctx.getServiceReference(CommandProcessor.class);
        assertNotNull("no CommandProcessor service", ref);
        CommandProcessor processor = ctx.getService(ref);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(command);
            if (result != null) out.println(session.format(result, Converter.INSPECT));
        } finally {
            ctx.ungetService(ref);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** As {@link #run}, but an exception becomes its message: for polling until a command says what is awaited. */
    static String runQuietly(BundleContext ctx, String command) {
        try {
            return run(ctx, command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }
}
