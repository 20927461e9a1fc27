package dev.kbpf.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes crash dumps: implemented by the destructive kfuncs bundle (which owns the file
 * format), called by the machine in core. Lives in the SPI because a bundle other than core
 * provides it; core works without one (a crash then leaves only kernel log lines).
 */
public interface CrashDumpWriter {

    /**
     * Writes one dump, whole or not at all: after a failure no file (or partial file) of it is
     * visible.
     *
     * @return the file written
     */
    Path write(CrashReport report) throws IOException;
}
