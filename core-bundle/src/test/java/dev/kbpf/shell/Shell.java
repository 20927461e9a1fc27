package dev.kbpf.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * A real Gogo runtime without OSGi: the command objects registered as the {@code bpf} scope, and
 * command lines run through the same parser and option binding ({@code @Parameter}) as the shell.
 */
final class Shell implements AutoCloseable {

    /** One for all tests: it replaces System.out and System.err once, and cannot be started twice. */
    private static final ThreadIOImpl THREAD_IO = new ThreadIOImpl();

    static {
        THREAD_IO.start();
    }

    private final ThreadIOImpl threadIO = THREAD_IO;
    private final CommandProcessorImpl processor;

    Shell(Object... commands) {
        processor = new CommandProcessorImpl(threadIO);
        for (Object c : commands) {
            for (java.lang.reflect.Method m : c.getClass().getDeclaredMethods()) {
                if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.isAnnotationPresent(org.apache.felix.service.command.Descriptor.class))
                    processor.addCommand(Commands.SCOPE, c, m.getName());
            }
        }
    }

    /** What the command printed, then its result as the shell formats it. Throws what the command threw. */
    String run(String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(line);
            if (result != null) out.print(session.format(result, Converter.INSPECT));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The message of the exception the command failed with (the command must fail). */
    String fail(String line) {
        try {
            String out = run(line);
            throw new AssertionError("'" + line + "' did not fail; it printed:\n" + out);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            Throwable t = e;
            while (t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null) t = t.getCause();
            return t.getMessage();
        }
    }

    @Override
    public void close() {
        processor.stop();
    }
}
