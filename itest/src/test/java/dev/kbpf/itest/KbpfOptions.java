package dev.kbpf.itest;

import static org.ops4j.pax.exam.CoreOptions.*;

import java.io.File;
import org.ops4j.pax.exam.Option;

/** The Felix that container tests boot: Declarative Services, Gogo, ConfigAdmin and the kbpf bundles from this reactor. */
final class KbpfOptions {
    private KbpfOptions() {}

    static final String CORE = "dev.kbpf.core";
    static final String KFUNC = "dev.kbpf.kfunc";
    static final String HELPERS_TRACING = "dev.kbpf.helpers.tracing";
    static final String HELPERS_DESTRUCTIVE = "dev.kbpf.helpers.destructive";

    static Option[] framework(Option... extra) {
        Option[] base = {
            workingDirectory(System.getProperty("kbpf.paxexam.dir", "target/paxexam")),
            cleanCaches(true),
            frameworkProperty("org.osgi.framework.storage.clean").value("onFirstInit"),
            // Pax Exam provisions pax-logging-api itself; without this it prints DEBUG lines
            systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
            mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
            mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
            mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
            mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
            mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
            mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
            mavenBundle("org.apache.felix", "org.apache.felix.gogo.command").versionAsInProject(),
            mavenBundle("org.ow2.asm", "asm").versionAsInProject(),
            mavenBundle("com.fasterxml.jackson.core", "jackson-core").versionAsInProject(),
            mavenBundle("com.fasterxml.jackson.core", "jackson-annotations").versionAsInProject(),
            mavenBundle("com.fasterxml.jackson.core", "jackson-databind").versionAsInProject(),
            reactorBundle("core-bundle"),
            reactorBundle("kfunc-registry"),
            reactorBundle("helpers-tracing"),
            reactorBundle("helpers-destructive"),
            junitBundles(),
        };
        Option[] all = new Option[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /** A bundle built in this reactor, copied to target/bundles by the pre-integration-test phase. */
    static Option reactorBundle(String artifactId) {
        File dir = new File(System.getProperty("kbpf.bundles.dir", "target/bundles"));
        return bundle(new File(dir, artifactId + ".jar").toURI().toString());
    }
}
