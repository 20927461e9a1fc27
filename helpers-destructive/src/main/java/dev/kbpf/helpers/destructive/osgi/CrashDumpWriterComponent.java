package dev.kbpf.helpers.destructive.osgi;

import dev.kbpf.helpers.destructive.crash.JsonCrashDumpWriter;
import dev.kbpf.spi.CrashDumpWriter;
import dev.kbpf.spi.CrashReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Offers core's machine a {@link CrashDumpWriter}: JSON files, written whole or not at all, under
 * {@link #directory the crash directory}. Core works without it; a crash then leaves only kernel
 * log lines.
 */
@Component(service = CrashDumpWriter.class, property = "service.description=kbpf JSON crash dumps")
public class CrashDumpWriterComponent implements CrashDumpWriter {
    /** Names the directory, as a component property (ConfigAdmin) or a framework property. */
    public static final String CRASH_DIR = "kbpf.crash.dir";
    /** The machine's home: dumps go to its {@code crash} folder. */
    public static final String KBPF_HOME = "kbpf.home";

    private JsonCrashDumpWriter writer;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        writer = new JsonCrashDumpWriter(directory(properties.get(CRASH_DIR), context::getProperty));
    }

    @Override
    public Path write(CrashReport report) throws IOException { return writer.write(report); }

    /** Where the dumps go. */
    public Path directory() { return writer.directory(); }

    /**
     * The crash directory: {@value #CRASH_DIR} as configured for the component, else as a framework
     * property, else {@code ${kbpf.home}/crash}, else {@code var/crash} under the working directory
     * (the default home, as {@code bin/kbpf} lays it out).
     */
    static Path directory(Object configured, UnaryOperator<String> framework) {
        if (configured != null && !configured.toString().isBlank()) return Path.of(configured.toString());
        String dir = framework.apply(CRASH_DIR);
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        String home = framework.apply(KBPF_HOME);
        return Path.of(home != null && !home.isBlank() ? home : "var", "crash");
    }
}
