package dev.kbpf.elf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The committed example objects, found relative to the module directory as {@code ../examples}. */
final class Examples {
    private Examples() {}

    static Path dir() {
        Path d = Path.of("..", "examples").toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) throw new IllegalStateException("examples folder not found at " + d);
        return d;
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name + ".o"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BpfObject load(String name) {
        return ElfLoader.load(dir().resolve(name + ".o"));
    }

    /** Names (without {@code .o}) of every committed object. */
    static List<String> names() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".o")).map(f -> f.substring(0, f.length() - 2)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
