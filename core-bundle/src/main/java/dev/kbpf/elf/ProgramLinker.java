package dev.kbpf.elf;

import dev.kbpf.elf.btf.Btf;
import dev.kbpf.elf.btf.BtfExt;
import dev.kbpf.elf.btf.BtfType;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds each program as libbpf does: the program's own instructions, then every subprogram of
 * {@code .text} it calls (directly or through other subprograms), each appended once, with the
 * {@code imm} of local calls and {@code PSEUDO_FUNC} loads rewritten to the new positions, kfunc
 * calls numbered into the program's kfunc table, and the {@code .BTF.ext} line and func info
 * moved to the final instruction indexes.
 */
final class ProgramLinker {
    /** A run of slots copied from a section into the program: {@code [srcStart, srcEnd)} → {@code dstStart}. */
    private record Segment(CodeSection from, int srcStart, int srcEnd, int dstStart) {
        boolean contains(CodeSection cs, int insn) { return cs == from && insn >= srcStart && insn < srcEnd; }
    }

    private final Map<Integer, CodeSection> code;
    private final CodeSection text;
    private final Btf btf;
    private final BtfExt btfExt;

    ProgramLinker(Map<Integer, CodeSection> code, CodeSection text, Btf btf, BtfExt btfExt) {
        this.code = code;
        this.text = text;
        this.btf = btf;
        this.btfExt = btfExt;
    }

    List<ProgramSpec> link() {
        List<ProgramSpec> out = new ArrayList<>();
        for (CodeSection cs : code.values()) {
            if (cs == text) continue;
            ProgramSection sec = ProgramSection.parse(cs.name()).orElseThrow();
            for (CodeSection.Function f : cs.functions) out.add(link(cs, f, sec));
        }
        return out;
    }

    private ProgramSpec link(CodeSection cs, CodeSection.Function prog, ProgramSection sec) {
        List<Insn> insns = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        Map<Integer, Integer> placed = new HashMap<>(); // .text function start → its index in the program
        List<String> kfuncs = new ArrayList<>();
        segments.add(append(insns, cs, prog.start(), prog.end()));
        for (int k = 0; k < segments.size(); k++) {
            Segment seg = segments.get(k);
            CodeSection from = seg.from();
            for (int i = seg.srcStart(); i < seg.srcEnd(); i++) {
                int dst = seg.dstStart() + (i - seg.srcStart());
                Insn insn = insns.get(dst);
                if (from.kfunc[i] != null) {
                    int idx = kfuncs.indexOf(from.kfunc[i]);
                    if (idx < 0) {
                        idx = kfuncs.size();
                        kfuncs.add(from.kfunc[i]);
                    }
                    insns.set(dst, new Insn(insn.opcode(), insn.dst(), Opcodes.PSEUDO_KFUNC_CALL, 0, idx));
                } else if (isLocalCall(insn) || (insn.opcode() == Opcodes.LD_IMM64 && insn.src() == Opcodes.PSEUDO_FUNC)) {
                    int target = from.textTarget[i] >= 0 ? resolveText(from.textTarget[i], insns, segments, placed, prog, from, i)
                            : resolveLocal(seg, i + insn.imm() + 1L, insns, segments, placed, prog, from, i);
                    insns.set(dst, new Insn(insn.opcode(), insn.dst(), insn.src(), insn.off(), target - dst - 1));
                }
            }
        }
        List<LineInfo> lines = new ArrayList<>();
        List<FuncInfo> funcs = new ArrayList<>();
        if (btfExt != null) {
            for (Segment seg : segments) moveExtInfo(seg, lines, funcs);
            lines.sort(Comparator.comparingInt(LineInfo::insn));
            funcs.sort(Comparator.comparingInt(FuncInfo::insn));
        }
        return new ProgramSpec(prog.name(), cs.name(), sec.type(), sec.kind(), sec.target(), insns, kfuncs, lines, funcs);
    }

    private static boolean isLocalCall(Insn insn) {
        return insn.opcode() == (Opcodes.JMP | Opcodes.CALL) && insn.src() == Opcodes.PSEUDO_CALL;
    }

    private static Segment append(List<Insn> insns, CodeSection cs, int start, int end) {
        Segment s = new Segment(cs, start, end, insns.size());
        for (int i = start; i < end; i++) insns.add(cs.insns[i]);
        return s;
    }

    /** A call without relocation is relative within its section: inside the same function, or to a .text function. */
    private int resolveLocal(Segment seg, long target, List<Insn> insns, List<Segment> segments, Map<Integer, Integer> placed,
            CodeSection.Function prog, CodeSection from, int i) {
        if (target >= seg.srcStart() && target < seg.srcEnd()) return seg.dstStart() + (int) (target - seg.srcStart());
        if (from != text || target < 0 || target >= text.insns.length) {
            throw new ElfException("program '" + prog.name() + "': call at insn " + i + " of section '" + from.name() + "' jumps to insn "
                    + target + ", outside its function and not a subprogram");
        }
        return resolveText((int) target, insns, segments, placed, prog, from, i);
    }

    private int resolveText(int target, List<Insn> insns, List<Segment> segments, Map<Integer, Integer> placed,
            CodeSection.Function prog, CodeSection from, int i) {
        Integer at = placed.get(target);
        if (at != null) return at;
        CodeSection.Function f = text.functionAt(target);
        if (f == null) {
            throw new ElfException("program '" + prog.name() + "': call at insn " + i + " of section '" + from.name()
                    + "' targets insn " + target + " of .text, which is not the start of a subprogram");
        }
        Segment seg = append(insns, text, f.start(), f.end());
        segments.add(seg);
        placed.put(target, seg.dstStart());
        return seg.dstStart();
    }

    private void moveExtInfo(Segment seg, List<LineInfo> lines, List<FuncInfo> funcs) {
        String sec = seg.from().name();
        for (BtfExt.LineRecord r : btfExt.lineInfo(sec)) {
            int insn = slot(r.insnOff());
            if (insn >= seg.srcStart() && insn < seg.srcEnd()) {
                lines.add(new LineInfo(seg.dstStart() + insn - seg.srcStart(), r.file(), r.line().stripLeading(), r.lineNumber(), r.column()));
            }
        }
        for (BtfExt.FuncRecord r : btfExt.funcInfo(sec)) {
            int insn = slot(r.insnOff());
            if (insn >= seg.srcStart() && insn < seg.srcEnd()) {
                if (!(btf.type(r.typeId()) instanceof BtfType.Func f)) throw new ElfException(".BTF.ext func info of section '" + sec + "': type " + r.typeId() + " is not a FUNC");
                funcs.add(new FuncInfo(seg.dstStart() + insn - seg.srcStart(), f.name(), r.typeId()));
            }
        }
    }

    private static int slot(long insnOff) {
        // offsets that are not whole slots match no instruction; out-of-range ones fall outside every segment
        return insnOff % 8 != 0 || insnOff / 8 > Integer.MAX_VALUE ? -1 : (int) (insnOff / 8);
    }
}
