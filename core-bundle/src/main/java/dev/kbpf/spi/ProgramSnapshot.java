package dev.kbpf.spi;

import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Insn;
import java.util.List;
import java.util.Objects;

/**
 * A loaded program as a crash dump records it.
 *
 * @param insns  the instruction slots as loaded (after the verifier's rewrites)
 * @param xlated one line of text per slot, as {@code bpftool prog dump xlated} shows the
 *               instruction; empty for the second slot of a 16-byte instruction, or an empty list
 *               when no disassembly is at hand
 */
public record ProgramSnapshot(int id, String name, String tag, ProgType type, boolean jited, List<Insn> insns,
                              List<String> xlated) {

    public ProgramSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(type, "type");
        insns = List.copyOf(insns);
        xlated = List.copyOf(xlated);
        if (!xlated.isEmpty() && xlated.size() != insns.size())
            throw new IllegalArgumentException("prog " + id + ": " + xlated.size() + " disassembly lines for " + insns.size() + " slots");
    }
}
