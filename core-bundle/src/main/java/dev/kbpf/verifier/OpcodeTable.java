package dev.kbpf.verifier;

import static dev.kbpf.isa.Opcodes.*;

/**
 * The opcodes the verifier knows (Linux's {@code bpf_opcode_in_insntable}): anything else is
 * refused with {@code unknown opcode %02x} before any other work.
 */
final class OpcodeTable {
    private static final boolean[] VALID = new boolean[256];

    static {
        int[] aluOps = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, MOD, XOR, MOV, ARSH};
        for (int cls : new int[]{ALU, ALU64}) {
            for (int op : aluOps) {
                VALID[cls | op | K] = true;
                VALID[cls | op | X] = true;
            }
            VALID[cls | NEG | K] = true;
            VALID[cls | END | K] = true; // to le
            VALID[cls | END | X] = true; // to be (ALU) / bswap (ALU64, cpu v4)
        }
        int[] jmpOps = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
        for (int op : jmpOps) {
            VALID[JMP | op | K] = VALID[JMP | op | X] = true;
            VALID[JMP32 | op | K] = VALID[JMP32 | op | X] = true;
        }
        VALID[JMP | JA] = true;
        VALID[JMP32 | JA] = true; // gotol
        VALID[JMP | CALL] = true;
        VALID[JMP | EXIT] = true;
        for (int sz : new int[]{B, H, W, DW}) {
            VALID[LDX | MEM | sz] = true;
            VALID[STX | MEM | sz] = true;
            VALID[ST | MEM | sz] = true;
            if (sz != DW) VALID[LDX | MEMSX | sz] = true;
            if (sz != DW) {
                VALID[LD | ABS | sz] = true;
                VALID[LD | IND | sz] = true;
            }
        }
        VALID[STX | ATOMIC | W] = true;
        VALID[STX | ATOMIC | DW] = true;
        VALID[LD_IMM64] = true;
    }

    private OpcodeTable() {}

    static boolean known(int opcode) { return VALID[opcode & 0xff]; }
}
