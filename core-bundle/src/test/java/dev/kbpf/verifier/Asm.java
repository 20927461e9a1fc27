package dev.kbpf.verifier;

import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side assembler: the bpf_conformance syntax of {@link Assembler}, lines separated by newlines
 * or {@code ;}, plus the loader's pseudo forms that syntax lacks:
 * {@code ldmap %rN, FD} (lddw pseudo map fd), {@code ldmapval %rN, FD, OFF} (pseudo map value) and
 * {@code ldfunc %rN, label} (pseudo func, a callback's address).
 */
final class Asm {
    private Asm() {}

    static List<Insn> of(String text) {
        List<String> lines = new ArrayList<>();
        for (String raw : text.replace(';', '\n').split("\n")) {
            String l = strip(raw);
            int colon = l.indexOf(':');
            // "label: insn" on one line becomes two lines
            if (colon > 0 && colon < l.length() - 1 && !l.substring(0, colon).contains(" ")) {
                lines.add(l.substring(0, colon + 1));
                lines.add(l.substring(colon + 1));
            } else {
                lines.add(l);
            }
        }
        // slot index of each label, counting lddw forms as two slots
        Map<String, Integer> labels = new HashMap<>();
        int slot = 0;
        for (String raw : lines) {
            String l = strip(raw);
            if (l.isEmpty()) continue;
            String first = l.split("\\s+")[0];
            if (first.endsWith(":")) { labels.put(first.substring(0, first.length() - 1), slot); continue; }
            slot += first.equals("lddw") || first.equals("ldmap") || first.equals("ldmapval") || first.equals("ldfunc") ? 2 : 1;
        }
        StringBuilder out = new StringBuilder();
        Map<Integer, int[]> patches = new HashMap<>(); // slot -> {src, hiImm}
        slot = 0;
        for (String raw : lines) {
            String l = strip(raw);
            if (l.isEmpty()) continue;
            String[] tok = l.split("[\\s,]+");
            String first = tok[0];
            if (first.endsWith(":")) { out.append(l).append('\n'); continue; }
            switch (first) {
                case "ldmap" -> {
                    out.append("lddw ").append(tok[1]).append(", ").append(tok[2]).append('\n');
                    patches.put(slot, new int[] {Opcodes.PSEUDO_MAP_FD, 0});
                    slot += 2;
                }
                case "ldmapval" -> {
                    out.append("lddw ").append(tok[1]).append(", ").append(tok[2]).append('\n');
                    patches.put(slot, new int[] {Opcodes.PSEUDO_MAP_VALUE, Integer.parseInt(tok[3])});
                    slot += 2;
                }
                case "ldfunc" -> {
                    Integer target = labels.get(tok[2]);
                    if (target == null) throw new IllegalArgumentException("no label " + tok[2]);
                    out.append("lddw ").append(tok[1]).append(", ").append(target - slot - 1).append('\n');
                    patches.put(slot, new int[] {Opcodes.PSEUDO_FUNC, 0});
                    slot += 2;
                }
                default -> {
                    out.append(l).append('\n');
                    slot += first.equals("lddw") ? 2 : 1;
                }
            }
        }
        List<Insn> insns = new ArrayList<>(Assembler.assemble(out.toString()));
        for (var e : patches.entrySet()) {
            int s = e.getKey();
            Insn a = insns.get(s);
            int imm = a.imm();
            insns.set(s, new Insn(a.opcode(), a.dst(), e.getValue()[0], a.off(), imm));
            Insn b = insns.get(s + 1);
            insns.set(s + 1, new Insn(b.opcode(), b.dst(), b.src(), b.off(), e.getValue()[1]));
        }
        return insns;
    }

    private static String strip(String raw) {
        int hash = raw.indexOf('#');
        return (hash >= 0 ? raw.substring(0, hash) : raw).trim();
    }
}
