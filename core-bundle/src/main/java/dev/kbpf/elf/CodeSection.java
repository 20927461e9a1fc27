package dev.kbpf.elf;

import dev.kbpf.isa.Insn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An executable section ({@code .text} or a program section) decoded into instruction slots,
 * with what its relocations said about each slot. Relocations are applied here, per section;
 * {@link ProgramLinker} then copies functions out of sections into programs.
 */
final class CodeSection {
    /** A function symbol: a program in a program section, a subprogram in {@code .text}. Indexes are slots. */
    record Function(String name, int start, int end) {}

    final ElfSection section;
    final Insn[] insns;
    /** The extern ({@code __ksym}) function a call slot calls, or null. */
    final String[] kfunc;
    /** For a relocated call or {@code lddw} of a function: the target slot in {@code .text}; -1 otherwise. */
    final int[] textTarget;
    final List<Function> functions = new ArrayList<>();

    CodeSection(ElfSection section, ByteSlice bytes) {
        this.section = section;
        if (bytes.length() % 8 != 0) throw new ElfException(section + ": size " + bytes.length() + " is not a multiple of 8 (one BPF instruction)");
        int n = bytes.length() / 8;
        insns = new Insn[n];
        byte[] raw = bytes.bytes(0, bytes.length());
        for (int i = 0; i < n; i++) insns[i] = Insn.raw(raw, i * 8);
        kfunc = new String[n];
        textTarget = new int[n];
        Arrays.fill(textTarget, -1);
    }

    String name() { return section.name(); }

    void addFunction(ElfSymbol sym) {
        long v = sym.value(), s = sym.size();
        if (v < 0 || s <= 0 || v % 8 != 0 || s % 8 != 0 || v > insns.length * 8L - s) {
            throw new ElfException("function '" + sym.name() + "': [" + v + ", +" + s + ") is not a whole number of instructions inside " + section);
        }
        functions.add(new Function(sym.name(), (int) (v / 8), (int) ((v + s) / 8)));
    }

    /** Sorts the functions and checks that none overlaps the next. */
    void sealFunctions() {
        functions.sort(Comparator.comparingInt(Function::start));
        for (int i = 1; i < functions.size(); i++) {
            Function a = functions.get(i - 1), b = functions.get(i);
            if (b.start() < a.end()) throw new ElfException("functions '" + a.name() + "' and '" + b.name() + "' overlap in " + section);
        }
    }

    /** The function that starts exactly at slot {@code insn}, or null. */
    Function functionAt(int insn) {
        for (Function f : functions) if (f.start() == insn) return f;
        return null;
    }

    /** The slot index of a relocation's byte offset, checked to be a whole slot inside the section. */
    int slotOf(long offset, String where) {
        if (offset < 0 || offset % 8 != 0 || offset >= insns.length * 8L) {
            throw new ElfException(where + ": offset " + offset + " is not an instruction of " + section + " (" + insns.length + " instructions)");
        }
        return (int) (offset / 8);
    }
}
