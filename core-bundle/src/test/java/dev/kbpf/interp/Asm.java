package dev.kbpf.interp;

import static dev.kbpf.isa.Opcodes.*;

import dev.kbpf.isa.Insn;
import java.util.ArrayList;
import java.util.List;

/** Builds instruction slots by hand, so these tests pin behaviour without the assembler. */
final class Asm {
    private final List<Insn> insns = new ArrayList<>();

    static Asm prog() { return new Asm(); }

    List<Insn> build() { return List.copyOf(insns); }

    Asm raw(int opcode, int dst, int src, int off, int imm) { insns.add(new Insn(opcode, dst, src, off, imm)); return this; }

    Asm alu64(int op, int dst, int imm) { return raw(ALU64 | K | op, dst, 0, 0, imm); }
    Asm alu64x(int op, int dst, int src) { return raw(ALU64 | X | op, dst, src, 0, 0); }
    Asm alu32(int op, int dst, int imm) { return raw(ALU | K | op, dst, 0, 0, imm); }
    Asm alu32x(int op, int dst, int src) { return raw(ALU | X | op, dst, src, 0, 0); }
    Asm mov(int dst, int imm) { return alu64(MOV, dst, imm); }
    Asm movx(int dst, int src) { return alu64x(MOV, dst, src); }
    Asm lddw(int dst, long v) {
        insns.add(new Insn(LD_IMM64, dst, 0, 0, (int) v));
        insns.add(new Insn(0, 0, 0, 0, (int) (v >>> 32)));
        return this;
    }
    Asm ldx(int size, int dst, int src, int off) { return raw(LDX | MEM | size, dst, src, off, 0); }
    Asm ldxs(int size, int dst, int src, int off) { return raw(LDX | MEMSX | size, dst, src, off, 0); }
    Asm st(int size, int dst, int off, int imm) { return raw(ST | MEM | size, dst, 0, off, imm); }
    Asm stx(int size, int dst, int off, int src) { return raw(STX | MEM | size, dst, src, off, 0); }
    Asm atomic(int size, int op, int dst, int off, int src) { return raw(STX | ATOMIC | size, dst, src, off, op); }
    Asm jmp(int op, int dst, int imm, int off) { return raw(JMP | K | op, dst, 0, off, imm); }
    Asm jmpx(int op, int dst, int src, int off) { return raw(JMP | X | op, dst, src, off, 0); }
    Asm ja(int off) { return raw(JMP | JA, 0, 0, off, 0); }
    Asm call(int helper) { return raw(JMP | CALL, 0, CALL_HELPER, 0, helper); }
    Asm callLocal(int rel) { return raw(JMP | CALL, 0, PSEUDO_CALL, 0, rel); }
    Asm kfunc(int id) { return raw(JMP | CALL, 0, PSEUDO_KFUNC_CALL, 0, id); }
    Asm callx(int reg) { return raw(JMP | X | CALL, reg, 0, 0, 0); }
    Asm exit() { return raw(JMP | EXIT, 0, 0, 0, 0); }

    /** The index the next instruction will get (for computing offsets). */
    int here() { return insns.size(); }
}
