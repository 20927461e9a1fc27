package dev.kbpf.verifier;

/**
 * Register and stack states as the kernel's log prints them at level 2 ({@code print_verifier_state}):
 * {@code R1=ctx() R10=fp0}, {@code R0_w=map_value_or_null(id=1,map=counts,ks=4,vs=8)},
 * {@code fp-8=mmmmmmmm}.
 */
final class StateFormatter {
    private StateFormatter() {}

    static String reg(RegState r, int curFrame) {
        StringBuilder sb = new StringBuilder();
        appendReg(sb, r, curFrame);
        return sb.toString();
    }

    static void appendReg(StringBuilder sb, RegState r, int curFrame) {
        switch (r.type) {
            case NOT_INIT -> sb.append('?');
            case SCALAR -> {
                if (r.var.isConst()) {
                    sb.append(r.var.constValue());
                    return;
                }
                sb.append("scalar(");
                boolean any = false;
                if (r.id != 0) { sb.append("id=").append(r.id); any = true; }
                r.var.appendRanges(sb, any);
                sb.append(')');
            }
            case PTR_TO_STACK -> {
                sb.append("fp");
                if (r.frameNo != curFrame) sb.append('[').append(r.frameNo).append(']');
                if (r.var.isConst()) {
                    sb.append(r.off + r.var.constValue());
                } else {
                    sb.append("(off=").append(r.off);
                    r.var.appendRanges(sb, true);
                    sb.append(')');
                }
            }
            default -> {
                sb.append(r.typeName()).append('(');
                int mark = sb.length();
                if (r.id != 0) attr(sb, mark, "id=" + r.id);
                if (r.refObjId != 0) attr(sb, mark, "ref_obj_id=" + r.refObjId);
                if (r.off != 0) attr(sb, mark, "off=" + r.off);
                if (r.map != null) attr(sb, mark, "map=" + r.map.name() + ",ks=" + r.map.keySize() + ",vs=" + r.map.valueSize());
                if (r.type == RegType.PTR_TO_MEM || r.type == RegType.PTR_TO_MEM_OR_NULL) attr(sb, mark, "sz=" + r.memSize);
                if (!r.var.isConst()) r.var.appendRanges(sb, sb.length() > mark);
                sb.append(')');
            }
        }
    }

    private static void attr(StringBuilder sb, int mark, String a) {
        if (sb.length() > mark) sb.append(',');
        sb.append(a);
    }

    /** One frame's registers (initialised ones, and those written since the last stored state) and stack slots. */
    static String frame(FuncFrame f, int curFrame) {
        StringBuilder sb = new StringBuilder();
        if (f.frameNo > 0) sb.append("frame").append(f.frameNo).append(": ");
        int start = sb.length();
        for (int i = 0; i < f.regs.length; i++) {
            RegState r = f.regs[i];
            if (r.type == RegType.NOT_INIT) continue;
            if (sb.length() > start) sb.append(' ');
            sb.append('R').append(i);
            if ((f.written & (1 << i)) != 0) sb.append("_w");
            sb.append('=');
            appendReg(sb, r, curFrame);
        }
        for (int spi = 0; spi < FuncFrame.MAX_STACK / 8; spi++) {
            int base = spi * 8;
            boolean any = false;
            for (int i = 0; i < 8; i++) if (f.stack[base + i] != FuncFrame.INVALID) any = true;
            if (!any) continue;
            sb.append(' ');
            appendSlot(sb, f, spi, curFrame, "");
        }
        return sb.toString();
    }

    /** What one instruction changed: the registers and stack slots it wrote (Linux's {@code print_insn_state}). */
    static String scratched(FuncFrame f, int curFrame, int regs, long slots) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < f.regs.length; i++) {
            if ((regs & (1 << i)) == 0 || f.regs[i].type == RegType.NOT_INIT) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append('R').append(i).append("_w=");
            appendReg(sb, f.regs[i], curFrame);
        }
        for (int spi = 0; spi < 64; spi++) {
            if ((slots & (1L << spi)) == 0) continue;
            if (sb.length() > 0) sb.append(' ');
            appendSlot(sb, f, spi, curFrame, "_w");
        }
        return sb.toString();
    }

    private static void appendSlot(StringBuilder sb, FuncFrame f, int spi, int curFrame, String suffix) {
        int base = spi * 8;
        sb.append("fp-").append(base + 8).append(suffix).append('=');
        if (f.spillAt(spi)) {
            appendReg(sb, f.spilled[spi], curFrame);
            return;
        }
        for (int i = 0; i < 8; i++) {
            sb.append(switch (f.stack[base + i]) {
                case FuncFrame.MISC -> 'm';
                case FuncFrame.ZERO -> '0';
                case FuncFrame.SPILL -> 'r';
                default -> '?';
            });
        }
    }

    static String state(VState s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= s.curframe; i++) {
            if (i > 0) sb.append(' ');
            sb.append(frame(s.frames[i], s.curframe));
        }
        if (s.refIds.length > 0) {
            sb.append(" refs=");
            for (int i = 0; i < s.refIds.length; i++) sb.append(i == 0 ? "" : ",").append(s.refIds[i]);
        }
        return sb.toString();
    }
}
