package dev.kbpf.exec;

import dev.kbpf.isa.Insn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random instruction slots for robustness and differential tests of executors: three quarters of
 * the programs respect RFC 9669's field rules (and mostly get past an executor's pre-decoder),
 * a quarter use any opcode, register or field. Jumps mostly land inside the program; memory
 * instructions mostly go through r1 (the test memory) or r10 at small offsets.
 */
public final class RandomPrograms {
    private RandomPrograms() {}

    /** Opcodes the generator favours so that many programs get past the pre-decoder. */
    static final int[] OPCODES = {
            0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f,
            0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd4, 0xdc, 0xd7,
            0x04, 0x0c, 0x14, 0x24, 0x34, 0x3c, 0x44, 0x54, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xb4, 0xbc, 0xc4, 0xcc,
            0x05, 0x06, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x45, 0x55, 0x5d, 0x65, 0x75, 0xa5, 0xb5, 0xc5, 0xd5, 0x16, 0x1e, 0x26, 0x56, 0xa6,
            0x85, 0x8d, 0x95, 0x18,
            0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb};
    static final int[] ATOMIC_IMMS = {0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1};

    /** One random program from {@code rnd}. */
    public static List<Insn> next(Random rnd) {
        int len = 1 + rnd.nextInt(24);
        boolean wild = rnd.nextInt(4) == 0;   // a quarter of the programs: any opcode, register or field
        List<Insn> out = new ArrayList<>();
        for (int i = 0; i < len; i++) {
            int opcode = wild && rnd.nextInt(8) == 0 ? rnd.nextInt(256) : OPCODES[rnd.nextInt(OPCODES.length)];
            int dst = wild && rnd.nextInt(8) == 0 ? rnd.nextInt(16) : rnd.nextInt(10);
            int src = wild && rnd.nextInt(8) == 0 ? rnd.nextInt(16) : rnd.nextInt(11);
            int off = rnd.nextInt(4) == 0 ? rnd.nextInt(65536) - 32768 : rnd.nextInt(2 * len + 1) - len;
            if (opcode >= 0x61 && opcode <= 0xdb && rnd.nextBoolean()) off = -8 * (1 + rnd.nextInt(8));
            int imm = switch (rnd.nextInt(6)) {
                case 0 -> rnd.nextInt();
                case 1 -> ATOMIC_IMMS[rnd.nextInt(ATOMIC_IMMS.length)];
                case 2 -> 16 << rnd.nextInt(3);
                case 3 -> rnd.nextInt(2 * len + 1) - len;
                default -> rnd.nextInt(11) - 3;
            };
            if (opcode == 0x85 && rnd.nextBoolean()) src = rnd.nextInt(3);
            if (!wild) {   // respect RFC 9669's unused fields, so most programs run
                int cls = opcode & 7;
                boolean reg = (opcode & 0x08) != 0;
                if (cls == 4 || cls == 7) {
                    int op = opcode & 0xf0;
                    if (op == 0xd0) { src = 0; off = 0; imm = 16 << rnd.nextInt(3); }
                    else if (op == 0x80) { src = 0; off = 0; imm = 0; }
                    else {
                        off = (op == 0x30 || op == 0x90) ? rnd.nextInt(2) : op == 0xb0 && reg && rnd.nextInt(4) == 0 ? 8 << rnd.nextInt(cls == 7 ? 3 : 2) : 0;
                        if (reg) imm = 0; else src = 0;
                    }
                } else if (cls == 5 || cls == 6) {
                    if (reg) imm = 0; else src = 0;
                    off = rnd.nextInt(len + 1) - i - 1;   // a target inside the program (or just past it)
                    if (opcode == 0x95) { dst = 0; src = 0; off = 0; imm = 0; }
                    if (opcode == 0x05) { dst = 0; src = 0; imm = 0; }
                    if (opcode == 0x06) { dst = 0; src = 0; imm = off; off = 0; }
                    if (opcode == 0x85) { imm = src == 1 ? off : rnd.nextInt(7); dst = 0; off = 0; src = rnd.nextInt(3); if (src == 1) imm = rnd.nextInt(len) - i - 1; }
                    if (opcode == 0x8d) { src = 0; imm = 0; off = 0; }
                } else if (cls == 1) {
                    imm = 0;
                } else if (cls == 2) {
                    src = 0;
                } else if (cls == 3) {
                    imm = (opcode & 0xe0) == 0xc0 ? ATOMIC_IMMS[rnd.nextInt(ATOMIC_IMMS.length)] : 0;
                } else if (opcode == 0x18) {
                    src = 0; off = 0;
                }
                if (rnd.nextInt(3) != 0 && (cls == 1 || cls == 2 || cls == 3)) {
                    if (cls == 1) src = rnd.nextBoolean() ? 1 : 10; else dst = rnd.nextBoolean() ? 1 : 10;
                    off = cls == 1 ? rnd.nextInt(48) - 8 : rnd.nextInt(48) - 8;
                    if (rnd.nextBoolean()) off = -8 * (1 + rnd.nextInt(8));
                }
            }
            out.add(new Insn(opcode, dst, src, (short) off, imm));
            if (opcode == 0x18) { out.add(new Insn(0, 0, 0, (short) 0, rnd.nextInt())); i++; }
        }
        if (rnd.nextBoolean()) out.add(new Insn(0x95, 0, 0, (short) 0, 0));
        return out;
    }
}
