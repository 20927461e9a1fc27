package dev.kbpf.helpers.destructive.shell;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where crash dumps live: the component property {@value #PROPERTY}, else the framework property
 * of the same name, else {@code ${kbpf.home}/crash}, else {@code crash} under the working
 * directory. The dump writer and the {@code crash} commands must agree, so both ask this.
 */
public final class CrashDirectory {
    private CrashDirectory() {}

    /** The property that names the directory. */
    public static final String PROPERTY = "kbpf.crash.dir";

    /**
     * @param configured the component's configured value, or null
     * @param framework  reads a framework property ({@code BundleContext::getProperty}); returns null when unset
     */
    public static Path resolve(Object configured, UnaryOperator<String> framework) {
        if (configured != null && !configured.toString().isBlank()) return Path.of(configured.toString());
        String dir = framework.apply(PROPERTY);
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        String home = framework.apply("kbpf.home");
        if (home != null && !home.isBlank()) return Path.of(home, "crash");
        return Path.of("crash");
    }
}
