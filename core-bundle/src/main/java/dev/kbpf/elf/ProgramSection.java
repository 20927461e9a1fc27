package dev.kbpf.elf;

import dev.kbpf.api.ProgType;
import java.util.Optional;

/**
 * What a libbpf {@code SEC()} name says about the programs in that section: their type, how
 * they attach, and to what ({@code tracepoint/osgi/bundle_event} → {@code TRACEPOINT},
 * {@code osgi:bundle_event}).
 *
 * @param type   the program type
 * @param kind   how it attaches
 * @param target the attach target when the name gives one: {@code CAT:NAME} for tracepoints,
 *               the tracepoint name for raw tracepoints, the function for kprobes and fentry/fexit
 */
public record ProgramSection(ProgType type, AttachKind kind, Optional<String> target) {

    /**
     * Parses a section name. Prefixed forms ({@code kprobe/NAME}) need a non-empty target; the
     * bare forms ({@code kprobe}, {@code tracepoint}) have none and are attached by hand.
     *
     * @return empty when the name is not one of the program sections kbpf knows
     * @throws ElfException when it is one, but malformed ({@code tracepoint/osgi} without a name)
     */
    public static Optional<ProgramSection> parse(String sec) {
        switch (sec) {
            case "perf_event": return Optional.of(new ProgramSection(ProgType.PERF_EVENT, AttachKind.PERF_EVENT, Optional.empty()));
            case "socket": return Optional.of(new ProgramSection(ProgType.SOCKET_FILTER, AttachKind.SOCKET_FILTER, Optional.empty()));
            case "xdp": return Optional.of(new ProgramSection(ProgType.XDP, AttachKind.XDP, Optional.empty()));
            case "lirc_mode2": return Optional.of(new ProgramSection(ProgType.LIRC_MODE2, AttachKind.LIRC_MODE2, Optional.empty()));
            default: break;
        }
        int slash = sec.indexOf('/');
        String prefix = slash < 0 ? sec : sec.substring(0, slash);
        Optional<String> rest = slash < 0 ? Optional.empty() : Optional.of(sec.substring(slash + 1));
        if (rest.isPresent() && rest.get().isEmpty()) throw new ElfException("section '" + sec + "': empty attach target after '" + prefix + "/'");
        switch (prefix) {
            case "tracepoint":
            case "tp": {
                Optional<String> target = rest.map(r -> {
                    int s = r.indexOf('/');
                    if (s <= 0 || s == r.length() - 1 || r.indexOf('/', s + 1) >= 0) {
                        throw new ElfException("section '" + sec + "': a tracepoint section is " + prefix + "/CATEGORY/NAME");
                    }
                    return r.substring(0, s) + ":" + r.substring(s + 1);
                });
                return Optional.of(new ProgramSection(ProgType.TRACEPOINT, AttachKind.TRACEPOINT, target));
            }
            case "raw_tracepoint":
            case "raw_tp":
                return Optional.of(new ProgramSection(ProgType.RAW_TRACEPOINT, AttachKind.RAW_TRACEPOINT, rest));
            case "kprobe": return Optional.of(new ProgramSection(ProgType.KPROBE, AttachKind.KPROBE, rest));
            case "kretprobe": return Optional.of(new ProgramSection(ProgType.KPROBE, AttachKind.KRETPROBE, rest));
            case "fentry": return Optional.of(new ProgramSection(ProgType.TRACING, AttachKind.FENTRY, rest));
            case "fexit": return Optional.of(new ProgramSection(ProgType.TRACING, AttachKind.FEXIT, rest));
            default: return Optional.empty();
        }
    }
}
