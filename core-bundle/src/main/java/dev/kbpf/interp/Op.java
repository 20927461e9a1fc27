package dev.kbpf.interp;

/**
 * The interpreter's internal opcodes: one dense number per distinct behaviour, so the main loop is
 * a single table switch with no second-level decoding (signed division, movsx widths, byte-swap
 * sizes, call kinds and atomic operations each get their own). {@link Predecoder} maps RFC 9669
 * instructions onto them.
 */
final class Op {
    private Op() {}

    // ALU64, immediate (K) and register (X) forms
    static final int ADD64_K = 0, ADD64_X = 1, SUB64_K = 2, SUB64_X = 3, MUL64_K = 4, MUL64_X = 5,
            DIV64_K = 6, DIV64_X = 7, SDIV64_K = 8, SDIV64_X = 9, OR64_K = 10, OR64_X = 11, AND64_K = 12, AND64_X = 13,
            LSH64_K = 14, LSH64_X = 15, RSH64_K = 16, RSH64_X = 17, MOD64_K = 18, MOD64_X = 19, SMOD64_K = 20, SMOD64_X = 21,
            XOR64_K = 22, XOR64_X = 23, MOV64_K = 24, MOV64_X = 25, ARSH64_K = 26, ARSH64_X = 27, NEG64 = 28,
            MOVSX64_8 = 29, MOVSX64_16 = 30, MOVSX64_32 = 31;

    // ALU (32-bit)
    static final int ADD32_K = 32, ADD32_X = 33, SUB32_K = 34, SUB32_X = 35, MUL32_K = 36, MUL32_X = 37,
            DIV32_K = 38, DIV32_X = 39, SDIV32_K = 40, SDIV32_X = 41, OR32_K = 42, OR32_X = 43, AND32_K = 44, AND32_X = 45,
            LSH32_K = 46, LSH32_X = 47, RSH32_K = 48, RSH32_X = 49, MOD32_K = 50, MOD32_X = 51, SMOD32_K = 52, SMOD32_X = 53,
            XOR32_K = 54, XOR32_X = 55, MOV32_K = 56, MOV32_X = 57, ARSH32_K = 58, ARSH32_X = 59, NEG32 = 60,
            MOVSX32_8 = 61, MOVSX32_16 = 62;

    // byte order
    static final int LE16 = 63, LE32 = 64, LE64 = 65, BE16 = 66, BE32 = 67, BE64 = 68, BSWAP16 = 69, BSWAP32 = 70, BSWAP64 = 71;

    // jumps: off (or imm for JA32) is relative to the next instruction, in instruction (not slot) units
    static final int JA = 72, JA32 = 73;
    static final int JEQ64_K = 74, JEQ64_X = 75, JGT64_K = 76, JGT64_X = 77, JGE64_K = 78, JGE64_X = 79,
            JSET64_K = 80, JSET64_X = 81, JNE64_K = 82, JNE64_X = 83, JSGT64_K = 84, JSGT64_X = 85, JSGE64_K = 86, JSGE64_X = 87,
            JLT64_K = 88, JLT64_X = 89, JLE64_K = 90, JLE64_X = 91, JSLT64_K = 92, JSLT64_X = 93, JSLE64_K = 94, JSLE64_X = 95;
    static final int JEQ32_K = 96, JEQ32_X = 97, JGT32_K = 98, JGT32_X = 99, JGE32_K = 100, JGE32_X = 101,
            JSET32_K = 102, JSET32_X = 103, JNE32_K = 104, JNE32_X = 105, JSGT32_K = 106, JSGT32_X = 107, JSGE32_K = 108, JSGE32_X = 109,
            JLT32_K = 110, JLT32_X = 111, JLE32_K = 112, JLE32_X = 113, JSLT32_K = 114, JSLT32_X = 115, JSLE32_K = 116, JSLE32_X = 117;

    // calls and exit; CALL_LOCAL's imm is relative to the next instruction, in instruction units
    static final int CALL_HELPER = 118, CALL_LOCAL = 119, CALL_KFUNC = 120, CALLX = 121, EXIT = 122;

    // loads and stores
    static final int LDDW = 123;   // imm: index into the wide-immediate table
    static final int LDXB = 124, LDXH = 125, LDXW = 126, LDXDW = 127, LDXSB = 128, LDXSH = 129, LDXSW = 130;
    static final int STB = 131, STH = 132, STW = 133, STDW = 134, STXB = 135, STXH = 136, STXW = 137, STXDW = 138;

    // atomics
    static final int ATOMIC_ADD32 = 139, ATOMIC_AND32 = 140, ATOMIC_OR32 = 141, ATOMIC_XOR32 = 142,
            ATOMIC_FETCH_ADD32 = 143, ATOMIC_FETCH_AND32 = 144, ATOMIC_FETCH_OR32 = 145, ATOMIC_FETCH_XOR32 = 146,
            ATOMIC_XCHG32 = 147, ATOMIC_CMPXCHG32 = 148,
            ATOMIC_ADD64 = 149, ATOMIC_AND64 = 150, ATOMIC_OR64 = 151, ATOMIC_XOR64 = 152,
            ATOMIC_FETCH_ADD64 = 153, ATOMIC_FETCH_AND64 = 154, ATOMIC_FETCH_OR64 = 155, ATOMIC_FETCH_XOR64 = 156,
            ATOMIC_XCHG64 = 157, ATOMIC_CMPXCHG64 = 158;

    /** The sentinel after the last instruction: reaching it means the program fell off its end. */
    static final int FELL_OFF = 159;

    /** Packs one decoded instruction: op in bits 0-7, dst 8-11, src 12-15, off 16-31, imm 32-63. */
    static long pack(int op, int dst, int src, int off, int imm) {
        return (op & 0xffL) | (dst & 0xfL) << 8 | (src & 0xfL) << 12 | (off & 0xffffL) << 16 | (long) imm << 32;
    }
}
