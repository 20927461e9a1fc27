package dev.kbpf.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to load from a BPF object file (a clang-compiled {@code .o}), as {@code bpftool prog load}
 * and libbpf's {@code bpf_object__load} do: the maps the object declares are created, then its
 * programs are verified and loaded.
 *
 * @param file        the ELF object file
 * @param program     the one program to load, by ELF section name ({@code tracepoint/osgi/bundle_event})
 *                    or by function name; empty to load every program of the object
 * @param type        a program type that overrides what the section names say; empty to keep theirs
 * @param flags       {@link LoadFlags} for every program loaded
 * @param logLevel    the verifier's log level for every program (0 none, 1, 2, 4 as in {@link ProgLoadAttr})
 * @param credentials the loader's capabilities
 */
public record ObjLoadAttr(Path file, Optional<String> program, Optional<ProgType> type, int flags, int logLevel,
                          Credentials credentials) {

    public ObjLoadAttr {
        Objects.requireNonNull(file, "file");
        program = program == null ? Optional.empty() : program.filter(p -> !p.isBlank());
        type = type == null ? Optional.empty() : type;
        credentials = credentials == null ? Credentials.root() : credentials;
    }

    /** Every program of the object, their own types, no flags, no log, loaded by root. */
    public static ObjLoadAttr of(Path file) {
        return new ObjLoadAttr(file, Optional.empty(), Optional.empty(), 0, 0, Credentials.root());
    }
}
