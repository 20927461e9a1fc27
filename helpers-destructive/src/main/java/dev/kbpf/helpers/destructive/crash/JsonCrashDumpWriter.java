package dev.kbpf.helpers.destructive.crash;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kbpf.spi.CrashDumpWriter;
import dev.kbpf.spi.CrashReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes each crash dump as one JSON file under a directory (for example
 * {@code $KBPF_HOME/var/crash}), whole or not at all: the document is written to a temporary
 * file in the same directory, forced to the disk, then atomically renamed to its final name,
 * and the directory is forced too so the rename survives a power cut. A failure at any step
 * deletes the temporary file, so no partial dump is ever visible.
 */
public final class JsonCrashDumpWriter implements CrashDumpWriter {

    /** How bytes reach the file; replaced in tests to fail half-way, as a full disk does. */
    interface ByteSink {
        void write(FileChannel channel, ByteBuffer bytes) throws IOException;

        ByteSink FULLY = (channel, bytes) -> {
            while (bytes.hasRemaining()) channel.write(bytes);
        };
    }

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path directory;
    private final ByteSink sink;
    private final AtomicInteger seq = new AtomicInteger();

    public JsonCrashDumpWriter(Path directory) { this(directory, ByteSink.FULLY); }

    JsonCrashDumpWriter(Path directory, ByteSink sink) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sink = sink;
    }

    public Path directory() { return directory; }

    @Override
    public Path write(CrashReport report) throws IOException {
        // serialise first: a report Jackson cannot write never creates a file
        byte[] json = MAPPER.writeValueAsBytes(CrashDumpDocument.of(report));
        Files.createDirectories(directory);
        Path target;
        do {
            target = directory.resolve(CrashDumpFiles.name(report.time(), report.bootId(), seq.incrementAndGet()));
        } while (Files.exists(target));
        Path temp = directory.resolve(CrashDumpFiles.TEMP_PREFIX + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                sink.write(ch, ByteBuffer.wrap(json));
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write crash dumps under " + directory + ": the file system has no atomic rename", e);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        forceDirectory();
        return target;
    }

    /** Makes the rename durable; some platforms cannot open a directory, and the dump is complete anyway. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the file's own contents were forced before the rename; only the rename's durability is at stake
        }
    }
}
