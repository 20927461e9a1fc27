package dev.kbpf.isa;

/**
 * The opcode fields of RFC 9669 (section 3 and 4), named as in Linux's
 * {@code include/uapi/linux/bpf_common.h} and {@code bpf.h}.
 */
public final class Opcodes {
    private Opcodes() {}

    /** Instruction classes (low 3 bits). */
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, JMP32 = 0x06, ALU64 = 0x07;

    /** Source bit of ALU and JMP classes. */
    public static final int K = 0x00, X = 0x08;

    /** ALU operations (high 4 bits). */
    public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
            NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0, END = 0xd0;

    /** Source bit of {@code END}: convert to little endian (0xd4) or big endian (0xdc); ALU64|END (0xd7) is bswap. */
    public static final int TO_LE = 0x00, TO_BE = 0x08;

    /** Jump operations (high 4 bits). */
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60, JSGE = 0x70,
            CALL = 0x80, EXIT = 0x90, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0;

    /** Load/store sizes (bits 3-4). */
    public static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
    /** Load/store modes (bits 5-7). */
    public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80, ATOMIC = 0xc0;

    /** {@code lddw}: the 16-byte load of a 64-bit immediate. */
    public static final int LD_IMM64 = LD | IMM | DW;

    /** {@code lddw} src values: what the loader fills in (Linux BPF_PSEUDO_*). */
    public static final int PSEUDO_MAP_FD = 1, PSEUDO_MAP_VALUE = 2, PSEUDO_BTF_ID = 3, PSEUDO_FUNC = 4,
            PSEUDO_MAP_IDX = 5, PSEUDO_MAP_IDX_VALUE = 6;

    /** Call src values. */
    public static final int CALL_HELPER = 0, PSEUDO_CALL = 1, PSEUDO_KFUNC_CALL = 2;

    /** Atomic operations in imm: ADD, OR, AND, XOR (the ALU op values), each optionally | FETCH. */
    public static final int FETCH = 0x01, XCHG = 0xe0 | FETCH, CMPXCHG = 0xf0 | FETCH;

    /** {@code ja32} / {@code gotol}: JMP32 | JA, the jump whose target is in imm. */
    public static final int JA32 = JMP32 | JA;
    /** Helper, local or kfunc call (which one is in src): JMP | CALL | K. */
    public static final int CALL_IMM = JMP | CALL | K;
    /** {@code callx}: call the address in the register named by dst (LLVM's encoding; not in RFC 9669). */
    public static final int CALLX = JMP | CALL | X;
    /** {@code exit}: return r0 to the caller. */
    public static final int EXIT_INSN = JMP | EXIT;

    /** The instruction class (low 3 bits): {@link #LD} … {@link #ALU64}. */
    public static int cls(int opcode) { return opcode & 0x07; }
    /** The ALU operation (high 4 bits): {@link #ADD} … {@link #END}. */
    public static int aluOp(int opcode) { return opcode & 0xf0; }
    /** The jump operation (high 4 bits): {@link #JA} … {@link #JSLE}. */
    public static int jmpOp(int opcode) { return opcode & 0xf0; }
    /** The source bit of ALU and JMP classes: {@link #K} (imm) or {@link #X} (src register). */
    public static int source(int opcode) { return opcode & 0x08; }
    /** The size field of loads and stores: {@link #W}, {@link #H}, {@link #B} or {@link #DW}. */
    public static int size(int opcode) { return opcode & 0x18; }
    /** The mode field of loads and stores: {@link #IMM} … {@link #ATOMIC}. */
    public static int mode(int opcode) { return opcode & 0xe0; }

    /** Bytes moved by a load or store of this opcode's size field. */
    public static int sizeBytes(int opcode) {
        return switch (size(opcode)) { case W -> 4; case H -> 2; case B -> 1; default -> 8; };
    }
}
