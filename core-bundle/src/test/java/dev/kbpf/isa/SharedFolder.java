package dev.kbpf.isa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the shared folder beside the repository (system property {@code kbpf.shared}, default {@code ../shared}). */
final class SharedFolder {
    private SharedFolder() {}

    /** A directory under the shared folder, if it exists here (it does in CI; tests skip without it). */
    static Optional<Path> dir(String relative) {
        Path p = Path.of(System.getProperty("kbpf.shared", "../shared")).resolve(relative);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
}
