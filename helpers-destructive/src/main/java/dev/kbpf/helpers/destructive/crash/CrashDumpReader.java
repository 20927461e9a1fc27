package dev.kbpf.helpers.destructive.crash;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Finds and reads the crash dumps under a directory: what {@code crash list} and {@code crash show} stand on. */
public final class CrashDumpReader {

    /** Unknown fields are skipped: a newer writer of the same format may add some. */
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path directory;

    public CrashDumpReader(Path directory) { this.directory = Objects.requireNonNull(directory, "directory"); }

    public Path directory() { return directory; }

    /** Every finished dump, oldest first; none if the directory does not exist yet. */
    public List<CrashDumpSummary> list() {
        if (!Files.isDirectory(directory)) return List.of();
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = s.filter(CrashDumpFiles::isDump).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new CrashDumpException("cannot list crash dumps under " + directory + ": " + e.getMessage(), e);
        }
        List<CrashDumpSummary> out = new ArrayList<>(files.size());
        for (Path f : files) out.add(summary(f));
        return out;
    }

    private CrashDumpSummary summary(Path f) {
        try {
            CrashDumpDocument d = read(f);
            if (d.time() == null || d.reason() == null) throw new CrashDumpException("crash dump " + f.getFileName() + " has no time or reason");
            return new CrashDumpSummary(CrashDumpFiles.id(f), f, Instant.parse(d.time()), d.reason(),
                    d.message() == null ? "" : d.message(), d.bootId() == null ? "" : d.bootId());
        } catch (CrashDumpException | DateTimeParseException e) {
            Instant modified;
            try {
                modified = Files.getLastModifiedTime(f).toInstant();
            } catch (IOException io) {
                modified = Instant.EPOCH;
            }
            return new CrashDumpSummary(CrashDumpFiles.id(f), f, modified, CrashDumpSummary.UNREADABLE, e.getMessage(), "");
        }
    }

    /** The file of a dump given its id or file name; {@link CrashDumpException} if there is none. */
    public Path resolve(String id) {
        if (id == null || id.isBlank() || id.contains("/") || id.contains("\\") || id.startsWith("."))
            throw new CrashDumpException("'" + id + "' is not a crash dump id: ids look like crash-20261125T120001.500000Z-3f2a9c1e-0001");
        String name = id.endsWith(CrashDumpFiles.SUFFIX) ? id : id + CrashDumpFiles.SUFFIX;
        Path f = directory.resolve(name);
        if (!CrashDumpFiles.isDump(f) || !Files.isRegularFile(f))
            throw new CrashDumpException("no crash dump '" + id + "' under " + directory);
        return f;
    }

    /** The newest dump, if any. */
    public java.util.Optional<CrashDumpSummary> latest() {
        List<CrashDumpSummary> all = list();
        return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(all.size() - 1));
    }

    public CrashDumpDocument read(String id) { return read(resolve(id)); }

    public CrashDumpDocument read(Path file) {
        CrashDumpDocument d;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            d = MAPPER.readValue(in, CrashDumpDocument.class);
        } catch (NoSuchFileException e) {
            throw new CrashDumpException("no crash dump " + file, e);
        } catch (JacksonException e) {
            throw new CrashDumpException("crash dump " + file.getFileName() + " is not valid: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CrashDumpException("cannot read crash dump " + file + ": " + e.getMessage(), e);
        }
        if (d == null) throw new CrashDumpException("crash dump " + file.getFileName() + " is empty");
        if (d.format() < 1 || d.format() > CrashDumpDocument.FORMAT)
            throw new CrashDumpException("crash dump " + file.getFileName() + " has format " + d.format()
                    + "; this kbpf reads format 1.." + CrashDumpDocument.FORMAT);
        return d;
    }
}
