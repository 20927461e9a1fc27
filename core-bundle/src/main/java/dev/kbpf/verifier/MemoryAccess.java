package dev.kbpf.verifier;

import dev.kbpf.isa.Insn;
import dev.kbpf.verifier.scalar.Scalar;

import static dev.kbpf.isa.Opcodes.*;

/**
 * Loads, stores and atomics ({@code check_mem_access}): for each pointer kind the bounds, the
 * alignment and the permissions, the value a load produces, and the per-byte stack with its spills
 * and fills. Works on the {@link Checker}'s current state.
 */
final class MemoryAccess {
    private final Checker c;

    MemoryAccess(Checker c) { this.c = c; }

    void recordAccess(int idx, RegState base) {
        PointerKind k = switch (base.type) {
            case PTR_TO_CTX -> PointerKind.CTX;
            case PTR_TO_STACK -> PointerKind.STACK;
            case PTR_TO_MAP_VALUE -> PointerKind.MAP_VALUE;
            case PTR_TO_MAP_KEY -> PointerKind.MAP_KEY;
            case PTR_TO_MEM -> PointerKind.MEM;
            default -> PointerKind.MIXED;
        };
        PointerKind prev = c.accessKinds[idx];
        if (prev == PointerKind.NONE) {
            c.accessKinds[idx] = k;
        } else if (prev != k) {
            if (prev == PointerKind.CTX || k == PointerKind.CTX) throw Reject.inval("same insn cannot be used with different pointers");
            c.accessKinds[idx] = PointerKind.MIXED;
        }
        if ((base.type == RegType.PTR_TO_MAP_VALUE || base.type == RegType.PTR_TO_MAP_KEY) && !c.accessMapMixed[idx]) {
            if (c.accessMaps[idx] == null && prev == PointerKind.NONE) c.accessMaps[idx] = base.map;
            else if (c.accessMaps[idx] == null || c.accessMaps[idx].id() != base.map.id()) poisonMap(idx);
        } else {
            poisonMap(idx);
        }
    }

    void poisonMap(int idx) {
        c.accessMaps[idx] = null;
        c.accessMapMixed[idx] = true;
    }

    void checkLdx(int idx, Insn insn) {
        int size = sizeBytes(insn.opcode());
        boolean sx = mode(insn.opcode()) == MEMSX;
        RegState base = c.srcReg(insn.src());
        RegState tmp = new RegState();
        memAccess(idx, insn.src(), base, insn.off(), size, false, null, tmp, false);
        if (sx && tmp.isScalar()) tmp.setScalar(tmp.var.signExtend(size * 8));
        RegState dst = c.dstReg(insn.dst());
        dst.copyFrom(tmp);
    }

    void checkStx(int idx, Insn insn) {
        if (insn.imm() != 0 || mode(insn.opcode()) != MEM) throw Reject.inval("BPF_STX uses reserved fields");
        RegState value = c.srcReg(insn.src());
        if (insn.dst() > 10) throw Reject.inval("R%d is invalid", insn.dst());
        RegState base = c.srcReg(insn.dst());
        memAccess(idx, insn.dst(), base, insn.off(), sizeBytes(insn.opcode()), true, new RegState(value), null, false);
    }

    void checkSt(int idx, Insn insn) {
        if (insn.src() != 0 || mode(insn.opcode()) != MEM) throw Reject.inval("BPF_ST uses reserved fields");
        if (insn.dst() > 10) throw Reject.inval("R%d is invalid", insn.dst());
        RegState base = c.srcReg(insn.dst());
        if (base.type == RegType.PTR_TO_CTX) {
            throw Reject.acces("BPF_ST stores into R%d %s is not allowed", insn.dst(), c.typeName(base));
        }
        RegState value = new RegState();
        value.setConst(insn.imm());
        memAccess(idx, insn.dst(), base, insn.off(), sizeBytes(insn.opcode()), true, value, null, true);
    }

    void checkAtomic(int idx, Insn insn) {
        int imm = insn.imm();
        int size = sizeBytes(insn.opcode());
        boolean okOp = imm == ADD || imm == AND || imm == OR || imm == XOR || imm == (ADD | FETCH) || imm == (AND | FETCH)
                || imm == (OR | FETCH) || imm == (XOR | FETCH) || imm == XCHG || imm == CMPXCHG;
        if (!okOp) throw Reject.inval("BPF_ATOMIC uses invalid atomic opcode %02x", imm);
        if (size != 4 && size != 8) throw Reject.inval("invalid atomic operand size");
        RegState value = c.srcReg(insn.src());
        if (insn.dst() > 10) throw Reject.inval("R%d is invalid", insn.dst());
        RegState base = c.srcReg(insn.dst());
        if (imm == CMPXCHG) {
            RegState r0 = c.srcReg(0);
            if (r0.isPointer() && !c.allowPtrLeaks) throw Reject.acces("R0 leaks addr into mem");
        }
        if (value.isPointer() && !c.allowPtrLeaks) throw Reject.acces("R%d leaks addr into mem", insn.src());
        if (base.type == RegType.PTR_TO_CTX || base.type == RegType.PTR_TO_MAP_KEY) {
            throw Reject.acces("BPF_ATOMIC stores into R%d %s is not allowed", insn.dst(), c.typeName(base));
        }
        if (value.isPointer()) {
            // an atomic operation on a pointer produces garbage: the slot becomes misc, never a spilled pointer
            value = new RegState();
            value.setUnknown();
        }
        RegState loaded = new RegState();
        memAccess(idx, insn.dst(), base, insn.off(), size, false, null, loaded, true);
        RegState stored = new RegState();
        stored.setScalar(Scalar.unknownOfSize(size));
        memAccess(idx, insn.dst(), base, insn.off(), size, true, stored, null, true);
        if (imm == CMPXCHG) {
            c.dstReg(0).setScalar(Scalar.unknownOfSize(size));
        } else if ((imm & FETCH) != 0) {
            c.dstReg(insn.src()).setScalar(Scalar.unknownOfSize(size));
        }
    }

    /**
     * One memory access through {@code base}: bounds, alignment, permissions and, for loads, the
     * loaded value into {@code out}; for stores, {@code value} is what goes to memory.
     */
    void memAccess(int idx, int regno, RegState base, int insnOff, int size, boolean write, RegState value,
                           RegState out, boolean strictOnce) {
        int storeReg = write && value != null ? c.insns[idx].src() : -1;
        switch (base.type) {
            case PTR_TO_STACK -> {
                recordAccess(idx, base);
                stackAccess(regno, base, insnOff, size, write, value, out, c.insns[idx].cls() == ST);
            }
            case PTR_TO_MAP_VALUE -> {
                recordAccess(idx, base);
                MapInfo map = base.map;
                int off = base.off + insnOff;
                checkAlignment(base, off, size, "value ", strictOnce);
                if (write && map.readOnly()) {
                    throw Reject.acces("write into map forbidden, value_size=%d off=%d size=%d", map.valueSize(), off, size);
                }
                if (write && value.isPointer() && !c.allowPtrLeaks && c.insns[idx].cls() == STX) {
                    throw Reject.acces("R%d leaks addr into map", storeReg);
                }
                memRegionAccess(regno, base, off, size, map.valueSize(), "map value, value_size");
                if (!write) {
                    if (map.readOnly() && map.frozenValue() != null && base.var.isConst() && size <= 8) {
                        long at = off + base.var.constValue();
                        byte[] bytes = map.frozenValue();
                        long v = 0;
                        for (int i = size - 1; i >= 0; i--) v = (v << 8) | (bytes[(int) at + i] & 0xff);
                        out.setConst(v);
                    } else {
                        out.setScalar(Scalar.unknownOfSize(size));
                    }
                }
            }
            case PTR_TO_MAP_KEY -> {
                recordAccess(idx, base);
                if (write) throw Reject.acces("write to change key R%d not allowed", regno);
                int off = base.off + insnOff;
                checkAlignment(base, off, size, "", strictOnce);
                memRegionAccess(regno, base, off, size, base.map.keySize(), "map key, key_size");
                out.setScalar(Scalar.unknownOfSize(size));
            }
            case PTR_TO_MEM -> {
                recordAccess(idx, base);
                int off = base.off + insnOff;
                checkAlignment(base, off, size, "", strictOnce);
                if (write && value.isPointer() && !c.allowPtrLeaks && c.insns[idx].cls() == STX) {
                    throw Reject.acces("R%d leaks addr into mem", storeReg);
                }
                memRegionAccess(regno, base, off, size, base.memSize, "memory, mem_size");
                if (!write) out.setScalar(Scalar.unknownOfSize(size));
            }
            case PTR_TO_CTX -> {
                recordAccess(idx, base);
                if (base.off != 0) throw Reject.acces("dereference of modified ctx ptr R%d off=%d disallowed", regno, base.off);
                if (!base.var.isConst() || base.var.constValue() != 0) {
                    throw Reject.acces("variable ctx access var_off=%s disallowed", tnumText(base.var));
                }
                if (write && value.isPointer() && !c.allowPtrLeaks) throw Reject.acces("R%d leaks addr into ctx", storeReg);
                if (!c.ctxLayout.allows(insnOff, size, write)) {
                    throw Reject.acces("invalid bpf_context access off=%d size=%d", insnOff, size);
                }
                if (!write) {
                    out.setScalar(Scalar.unknownOfSize(size));
                    c.maxCtxOffset = Math.max(c.maxCtxOffset, insnOff + size);
                }
            }
            default -> throw Reject.acces("R%d invalid mem access '%s'", regno, c.typeName(base));
        }
    }

    static String tnumText(Scalar s) {
        return "(0x" + Long.toHexString(s.varOff().value()) + "; 0x" + Long.toHexString(s.varOff().mask()) + ")";
    }

    void checkAlignment(RegState base, int off, int size, String desc, boolean strictOnce) {
        if (!(c.strictAlignment || strictOnce) || size == 1) return;
        boolean aligned = ((off % size) == 0) && base.var.varOff().isAligned(size);
        if (!aligned) {
            throw Reject.acces("misaligned %saccess off %s+%d+%d size %d", desc, tnumText(base.var), base.off, off - base.off, size);
        }
    }

    /** check_mem_region_access: fixed plus variable offset against an object of {@code memSize} bytes. */
    void memRegionAccess(int regno, RegState base, int off, int size, int memSize, String what) {
        Scalar v = base.var;
        long smin = v.smin();
        if (smin < 0 && (smin == Long.MIN_VALUE || (off + smin) != (long) (int) (off + smin) || smin + off < 0)) {
            throw Reject.acces("R%d min value is negative, either use unsigned index or do a if (index >=0) check.", regno);
        }
        long lo = smin + off;
        if (lo < 0 || lo + size > memSize) {
            throw Reject.acces("invalid access to %s=%d off=%d size=%d\nR%d min value is outside of the allowed memory range",
                    what, memSize, lo, size, regno);
        }
        if (Long.compareUnsigned(v.umax(), Checker.MAX_VAR_OFF) >= 0) {
            throw Reject.acces("R%d unbounded memory access, make sure to bounds check any such access", regno);
        }
        long hi = v.umax() + off;
        if (hi < 0 || hi + size > memSize) {
            throw Reject.acces("invalid access to %s=%d off=%d size=%d\nR%d max value is outside of the allowed memory range",
                    what, memSize, hi, size, regno);
        }
    }

    // ---- stack

    void stackAccess(int regno, RegState base, int insnOff, int size, boolean write, RegState value, RegState out,
                             boolean isSt) {
        FuncFrame frame = c.cur.frames[base.frameNo];
        int off = base.off + insnOff;
        String extra = write ? " write to" : " read from";
        // the stack spill tracking needs aligned accesses (check_ptr_alignment: strict for the stack)
        if (!((off % size) == 0 && base.var.varOff().isAligned(size))) {
            throw Reject.acces("misaligned stack access off %s+%d+%d size %d", tnumText(base.var), base.off, insnOff, size);
        }
        if (!base.var.isConst()) {
            stackAccessVar(regno, base, frame, off, size, write, out, extra);
            return;
        }
        long total = off + base.var.constValue();
        if (total < -FuncFrame.MAX_STACK || total + size > 0) {
            throw Reject.acces("invalid%s stack R%d off=%d size=%d", extra, regno, total, size);
        }
        int o = (int) total;
        noteDepth(frame, -o);
        if (write) stackWrite(frame, o, size, value, isSt);
        else stackRead(frame, o, size, out);
    }

    void noteDepth(FuncFrame frame, int depth) {
        int d = (depth + 7) & ~7;
        if (d > c.subprogDepth[frame.subprog]) c.subprogDepth[frame.subprog] = d;
    }

    void stackWrite(FuncFrame f, int off, int size, RegState value, boolean isSt) {
        int spi = FuncFrame.slotOf(off);
        f.touch(-off);
        if (f == c.cur.cur()) c.scratchedSlots |= 1L << spi;
        boolean zeroImm = isSt && value.isConstZero();
        if (value.isPointer() && size != 8) throw Reject.acces("invalid size of register spill");
        if (size == 8 && !zeroImm) {
            // spill: the slot keeps the register's exact state
            for (int i = 0; i < 8; i++) f.stack[spi * 8 + i] = FuncFrame.SPILL;
            f.spilled[spi] = new RegState(value);
            f.spillSize[spi] = 8;
            return;
        }
        // a write into part of a spilled register destroys it
        for (int i = 0; i < size; i++) {
            if (f.stack[-(off + i) - 1] == FuncFrame.SPILL) {
                RegState sp = f.spilled[spi];
                if (sp != null && sp.isPointer() && !c.allowPtrLeaks) throw Reject.acces("attempt to corrupt spilled pointer on stack");
                f.scrubSlot(spi);
                break;
            }
        }
        if (value.isScalar() && c.bpfCapable && off % 8 == 0 && !zeroImm) {
            // a narrow scalar at the start of a slot is spilled with its bounds (what memory holds: the low bytes)
            RegState s = new RegState(value);
            s.var = value.var.truncate(size);
            if (!s.var.equals(value.var)) s.id = 0; // the relation to the register holds only if the value fits
            for (int i = 0; i < size; i++) f.stack[-(off + i) - 1] = FuncFrame.SPILL;
            f.spilled[spi] = s;
            f.spillSize[spi] = (byte) size;
            return;
        }
        byte kind = value.isConstZero() ? FuncFrame.ZERO : FuncFrame.MISC;
        for (int i = 0; i < size; i++) f.stack[-(off + i) - 1] = kind;
    }

    void stackRead(FuncFrame f, int off, int size, RegState out) {
        int spi = FuncFrame.slotOf(off);
        int b0 = -off - 1;
        if (f.stack[b0] == FuncFrame.SPILL && f.spilled[spi] != null) {
            RegState sp = f.spilled[spi];
            int spillBytes = f.spillSize[spi];
            if (spillBytes == 8 && size == 8) {
                if (out != null) out.copyFrom(sp);
                return;
            }
            if (!sp.isScalar()) throw Reject.acces("invalid size of register fill");
            int k = off - (-(spi + 1) * 8); // byte index inside the slot, from its lowest address
            if (k + size <= spillBytes) {
                if (out == null) return;
                if (k == 0 && size == spillBytes) out.copyFrom(sp);
                else if (sp.var.isConst()) out.setScalar(Scalar.constant(sp.var.constValue() >>> (8 * k)).truncate(size));
                else if (k == 0) out.setScalar(sp.var.truncate(size));
                else out.setScalar(Scalar.unknownOfSize(size));
                return;
            }
            // the read goes past the spilled bytes: those must have been written
            for (int i = 0; i < size; i++) {
                if (f.stack[-(off + i) - 1] == FuncFrame.INVALID && !c.allowUninitStack) {
                    throw Reject.acces("invalid read from stack off %d+%d size %d", off, i, size);
                }
            }
            if (out != null) out.setScalar(Scalar.unknownOfSize(size));
            return;
        }
        int zeros = 0;
        for (int i = 0; i < size; i++) {
            int b = -(off + i) - 1;
            byte t = f.stack[b];
            if (t == FuncFrame.ZERO) zeros++;
            else if (t == FuncFrame.SPILL) {
                RegState sp = f.spilled[b / 8];
                if (sp != null && sp.isPointer() && !c.allowPtrLeaks) throw Reject.acces("leaking pointer from stack off %d", off);
            } else if (t != FuncFrame.MISC && !(t == FuncFrame.INVALID && c.allowUninitStack)) {
                throw Reject.acces("invalid read from stack off %d+%d size %d", off, i, size);
            }
        }
        if (out != null) {
            if (zeros == size) out.setConst(0);
            else out.setScalar(Scalar.unknownOfSize(size));
        }
    }

    void stackAccessVar(int regno, RegState base, FuncFrame f, int off, int size, boolean write, RegState out, String extra) {
        Scalar v = base.var;
        if (v.smax() >= Checker.MAX_VAR_OFF || v.smin() <= -Checker.MAX_VAR_OFF) {
            throw Reject.acces("invalid unbounded variable-offset%s stack R%d", extra, regno);
        }
        long min = v.smin() + off, max = v.smax() + off + size;
        if (min < -FuncFrame.MAX_STACK || max > 0) {
            throw Reject.acces("invalid variable-offset%s stack R%d var_off=%s size=%d", extra, regno, tnumText(v), size);
        }
        noteDepth(f, (int) -min);
        if (write) f.touch((int) -min);
        for (long o = min; o < max; o++) {
            int b = (int) (-o - 1);
            byte t = f.stack[b];
            if (write) {
                if (t == FuncFrame.SPILL) {
                    RegState sp = f.spilled[b / 8];
                    if (sp != null && sp.isPointer() && !c.allowPtrLeaks) throw Reject.acces("attempt to corrupt spilled pointer on stack");
                    f.scrubSlot(b / 8);
                }
                f.stack[b] = FuncFrame.MISC;
            } else {
                if (t == FuncFrame.INVALID && !c.allowUninitStack) {
                    throw Reject.acces("invalid variable-offset read from stack R%d var_off=%s off=%d size=%d", regno, tnumText(v), off, size);
                }
                if (t == FuncFrame.SPILL) {
                    RegState sp = f.spilled[b / 8];
                    if (sp != null && sp.isPointer() && !c.allowPtrLeaks) throw Reject.acces("leaking pointer from stack off %d", o);
                }
            }
        }
        if (!write && out != null) out.setScalar(Scalar.unknownOfSize(size));
    }

}
