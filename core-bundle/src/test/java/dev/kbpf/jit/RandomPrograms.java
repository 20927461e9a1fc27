package dev.kbpf.jit;

import static dev.kbpf.isa.Opcodes.*;

import dev.kbpf.exec.AccessHints;
import dev.kbpf.exec.PointerKind;
import dev.kbpf.isa.Insn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random BPF programs for the differential test: every ALU operation (32 and 64 bit, immediate
 * and register, signed division, movsx, byte swaps), conditional jumps of both widths, loads,
 * stores and atomics on the stack and on a memory region (and, now and then, through a wild
 * register), bounded loops on a counter, rare backward jumps (ended by the budget), helper,
 * kfunc and {@code callx} calls, and local calls (recursion now and then, to reach the depth limit).
 *
 * <p>Register conventions keep most accesses valid: r6 is the loop counter, r7 a pointer 64
 * bytes below the frame top (set at entry; callees inherit their caller's), r9 the memory region
 * (r1 on entry; zero in a callback). Random operations write only r0-r5 and r8. {@link #hints()} gives
 * {@link PointerKind#STACK} for every access through r7, as a verifier would prove.
 */
final class RandomPrograms {
    static final int HELPER_RECORD = 1, HELPER_FAILS = 2, HELPER_READS = 3, HELPER_MISSING = 4, HELPER_CALLBACK = 6, HELPER_TAIL_CALL = 7;
    static final int KFUNC_RECORD = 0, KFUNC_MISSING = 1;
    static final int MEMORY_SIZE = 64;

    private static final int[] WRITABLE = {0, 1, 2, 3, 4, 5, 8};
    private static final int[] ALU_OPS = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, MOD, XOR, MOV, ARSH};
    private static final int[] JMP_OPS = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
    private static final int[] ATOMIC_OPS = {ADD, AND, OR, XOR, ADD | FETCH, AND | FETCH, OR | FETCH, XOR | FETCH, XCHG, CMPXCHG};
    private static final long[] SPECIAL = {0, 1, -1, 2, 7, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffffL, 0x80000000L,
            0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, 63, 64, 31, 32};

    private final Random rnd;
    private final Set<Integer> stackSlots = new HashSet<>();

    RandomPrograms(Random rnd) { this.rnd = rnd; }

    /** One item of a function body before layout: an instruction or a jump/call to resolve. */
    private record Item(Insn insn, Insn second, int jumpTo, int callTo) {
        int slots() { return second == null ? 1 : 2; }
    }

    private List<List<Item>> functions;
    private List<Insn> last;

    /** Slot indexes whose memory access goes through r7 (a stack pointer), in the last program. */
    AccessHints hints() {
        Set<Integer> s = Set.copyOf(stackSlots);
        return slot -> s.contains(slot) ? PointerKind.STACK : PointerKind.UNKNOWN;
    }

    List<Insn> generate() {
        stackSlots.clear();
        int n = 1 + (rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0);
        functions = new ArrayList<>();
        for (int f = 0; f < n; f++) functions.add(body(f, n, f == 0 ? 10 + rnd.nextInt(60) : 4 + rnd.nextInt(20)));
        last = layout();
        return last;
    }

    private List<Item> body(int f, int n, int length) {
        List<Item> items = new ArrayList<>();
        if (f == 0) {
            items.add(plain(ALU64 | X | MOV, 9, 1, 0, 0));
            items.add(plain(ALU64 | X | MOV, 7, 10, 0, 0));
            items.add(plain(ALU64 | K | ADD, 7, 0, 0, -64));
            for (int r : new int[] {0, 3, 4, 5, 8}) if (rnd.nextBoolean()) items.add(lddw(r, value()));
        } else {   // a subprogram may also run as a callback, with r6-r9 zero: it points r7 into its own frame
            items.add(plain(ALU64 | X | MOV, 7, 10, 0, 0));
            items.add(plain(ALU64 | K | ADD, 7, 0, 0, -64));
        }
        int prologue = items.size();   // backward jumps stay below it, so r7 keeps pointing where the hints say
        while (items.size() < length) {
            int k = rnd.nextInt(100);
            if (k < 8) {
                loop(items, f, n);
            } else if (k < 16) {   // forward conditional jump, resolved at the end
                items.add(new Item(condJump(), null, -2, -1));
            } else if (k < 17) {   // backward jump: maybe endless, the budget ends it
                items.add(new Item(condJump(), null, -3, -1));
            } else if (k < 20 && f + 1 < n) {
                items.add(new Item(plain(JMP | CALL, 0, PSEUDO_CALL, 0, 0).insn(), null, -1, f + 1 + rnd.nextInt(n - f - 1)));
            } else if (k < 21 && f > 0 && rnd.nextInt(3) == 0) {
                items.add(new Item(plain(JMP | CALL, 0, PSEUDO_CALL, 0, 0).insn(), null, -1, f));   // recursion: the depth limit
            } else if (k >= 21 && k < 23 && f + 1 < n) {   // a helper runs a later subprogram as a callback (bpf_loop style)
                items.add(new Item(new Insn(LD_IMM64, 1, PSEUDO_FUNC, 0, 0), new Insn(0, 0, 0, 0, 0), -1, f + 1 + rnd.nextInt(n - f - 1)));
                items.add(plain(JMP | CALL, 0, CALL_HELPER, 0, HELPER_CALLBACK));
            } else if (k >= 21 && k < 24) {
                items.add(plain(JMP | CALL, 0, CALL_HELPER, 0, HELPER_TAIL_CALL));
            } else {
                straight(items, f, n);
            }
        }
        // resolve forward and backward jump placeholders
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it.jumpTo() == -2) items.set(i, new Item(it.insn(), null, i + 1 + rnd.nextInt(items.size() - i), -1));
            else if (it.jumpTo() == -3) items.set(i, new Item(it.insn(), null, prologue + rnd.nextInt(i + 1 - prologue), -1));
        }
        if (rnd.nextInt(40) != 0) {   // now and then fall off the end instead
            if (rnd.nextBoolean()) items.add(plain(ALU64 | X | ADD, 0, WRITABLE[rnd.nextInt(WRITABLE.length)], 0, 0));
            items.add(plain(JMP | EXIT, 0, 0, 0, 0));
        }
        return items;
    }

    private void loop(List<Item> items, int f, int n) {
        items.add(plain(ALU64 | K | MOV, 6, 0, 0, 1 + rnd.nextInt(6)));
        int head = items.size();
        int body = 1 + rnd.nextInt(6);
        for (int b = 0; b < body; b++) straight(items, f, n);
        items.add(plain(ALU64 | K | ADD, 6, 0, 0, -1));
        items.add(jump(new Insn(JMP | K | JNE, 6, 0, 0, 0), head));
    }

    private Insn condJump() {
        int op = JMP_OPS[rnd.nextInt(JMP_OPS.length)];
        int cls = rnd.nextBoolean() ? JMP : JMP32;
        int dst = rnd.nextInt(11);
        if (rnd.nextBoolean()) return new Insn(cls | X | op, dst, rnd.nextInt(11), 0, 0);
        return new Insn(cls | K | op, dst, 0, 0, (int) value());
    }

    private static Item jump(Insn in, int to) { return new Item(in, null, to, -1); }

    private void straight(List<Item> items, int f, int n) {
        int k = rnd.nextInt(100);
        int dst = WRITABLE[rnd.nextInt(WRITABLE.length)];
        int src = rnd.nextInt(11);
        if (k < 40) {
            int op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
            int cls = rnd.nextBoolean() ? ALU64 : ALU;
            int off = (op == DIV || op == MOD) && rnd.nextBoolean() ? 1 : 0;
            if (rnd.nextBoolean()) items.add(plain(cls | X | op, dst, src, off, 0));
            else items.add(plain(cls | K | op, dst, 0, off, (int) value()));
        } else if (k < 44) {
            int cls = rnd.nextBoolean() ? ALU64 : ALU;
            int off = cls == ALU64 ? new int[] {8, 16, 32}[rnd.nextInt(3)] : new int[] {8, 16}[rnd.nextInt(2)];
            items.add(plain(cls | X | MOV, dst, src, off, 0));
        } else if (k < 46) {
            items.add(plain((rnd.nextBoolean() ? ALU64 : ALU) | K | NEG, dst, 0, 0, 0));
        } else if (k < 49) {
            int width = new int[] {16, 32, 64}[rnd.nextInt(3)];
            int kind = rnd.nextInt(3);
            items.add(plain(kind == 0 ? ALU64 | END : ALU | END | (kind == 1 ? TO_LE : TO_BE), dst, 0, 0, width));
        } else if (k < 52) {
            items.add(lddw(dst, value()));
        } else if (k < 66) {
            int size = new int[] {B, H, W, DW}[rnd.nextInt(4)];
            int mode = size != DW && rnd.nextInt(3) == 0 ? MEMSX : MEM;
            int base = base();
            items.add(access(LDX | mode | size, dst, base, offset(base, size), 0));
        } else if (k < 80) {
            int size = new int[] {B, H, W, DW}[rnd.nextInt(4)];
            int base = base();
            if (rnd.nextBoolean()) items.add(access(STX | MEM | size, base, src, offset(base, size), 0));
            else items.add(access(ST | MEM | size, base, 0, offset(base, size), (int) value()));
        } else if (k < 87) {
            int size = rnd.nextBoolean() ? W : DW;
            int op = ATOMIC_OPS[rnd.nextInt(ATOMIC_OPS.length)];
            int base = base();
            int off = offset(base, size);
            if (rnd.nextInt(12) != 0) off &= ~(size == DW ? 7 : 3);   // mostly aligned
            items.add(access(STX | ATOMIC | size, base, WRITABLE[rnd.nextInt(WRITABLE.length)], off, op));
        } else if (k < 93) {
            int id = rnd.nextInt(40) == 0 ? HELPER_MISSING : 1 + rnd.nextInt(3);
            items.add(plain(JMP | CALL, 0, CALL_HELPER, 0, id));
        } else if (k < 96) {
            items.add(plain(JMP | CALL, 0, PSEUDO_KFUNC_CALL, 0, rnd.nextInt(40) == 0 ? KFUNC_MISSING : KFUNC_RECORD));
        } else {
            items.add(plain(ALU64 | K | MOV, 8, 0, 0, rnd.nextInt(20) == 0 ? HELPER_MISSING : 1 + rnd.nextInt(3)));
            items.add(plain(JMP | X | CALL, 8, 0, 0, 0));
        }
    }

    private int base() {
        int k = rnd.nextInt(60);
        if (k < 21) return 10;
        if (k < 36) return 7;
        if (k < 59) return 9;
        return rnd.nextInt(11);   // whatever the register holds: usually a fault
    }

    private int offset(int base, int size) {
        int bytes = size == DW ? 8 : size == W ? 4 : size == H ? 2 : 1;
        return switch (base) {
            case 10 -> rnd.nextInt(80) == 0 ? rnd.nextInt(20) - 10 : -bytes - rnd.nextInt(64);
            case 7 -> rnd.nextInt(80) == 0 ? rnd.nextInt(1200) - 600 : rnd.nextInt(128) - 64;
            case 9 -> rnd.nextInt(80) == 0 ? rnd.nextInt(20) - 10 + MEMORY_SIZE - bytes : rnd.nextInt(MEMORY_SIZE - bytes + 1);
            default -> rnd.nextInt(64) - 32;
        };
    }

    private long value() {
        return switch (rnd.nextInt(4)) {
            case 0 -> SPECIAL[rnd.nextInt(SPECIAL.length)];
            case 1 -> rnd.nextInt(200) - 100;
            case 2 -> rnd.nextInt();
            default -> rnd.nextLong();
        };
    }

    private static Item plain(int opcode, int dst, int src, int off, int imm) {
        return new Item(new Insn(opcode, dst, src, off, imm), null, -1, -1);
    }

    /** A load, store or atomic (the in-frame ones through r7 get a STACK hint at layout). */
    private static Item access(int opcode, int dst, int src, int off, int imm) {
        return new Item(new Insn(opcode, dst, src, off, imm), null, -1, -1);
    }

    private static Item lddw(int dst, long v) {
        return new Item(new Insn(LD_IMM64, dst, 0, 0, (int) v), new Insn(0, 0, 0, 0, (int) (v >>> 32)), -1, -1);
    }

    /** Places the functions one after another and resolves jump and call offsets (in slots). */
    private List<Insn> layout() {
        List<int[]> slotOfItem = new ArrayList<>();
        int[] functionStart = new int[functions.size()];
        int pos = 0;
        for (int f = 0; f < functions.size(); f++) {
            functionStart[f] = pos;
            List<Item> items = functions.get(f);
            int[] slots = new int[items.size() + 1];
            for (int i = 0; i < items.size(); i++) {
                slots[i] = pos;
                pos += items.get(i).slots();
            }
            slots[items.size()] = pos;   // a jump to the end lands on the next function (or past the end)
            slotOfItem.add(slots);
        }
        int total = pos;
        List<Insn> out = new ArrayList<>();
        for (int f = 0; f < functions.size(); f++) {
            List<Item> items = functions.get(f);
            int[] slots = slotOfItem.get(f);
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                Insn in = it.insn();
                int here = slots[i];
                if (it.jumpTo() >= 0) {
                    int target = Math.min(slots[it.jumpTo()], total - 1);
                    in = new Insn(in.opcode(), in.dst(), in.src(), target - here - 1, in.imm());
                } else if (it.callTo() >= 0) {   // a local call, or a lddw pseudo func naming a callback
                    in = new Insn(in.opcode(), in.dst(), in.src(), 0, functionStart[it.callTo()] - here - 1);
                }
                int cls = in.opcode() & 7;
                boolean viaR7 = (cls == LDX && in.src() == 7) || ((cls == ST || cls == STX) && in.dst() == 7 && (in.opcode() & 0xe0) != ATOMIC);
                int at = 448 + in.off();   // r7 is 64 bytes below the top of a 512-byte frame
                if (viaR7 && at >= 0 && at + sizeBytes(in.opcode()) <= 512) stackSlots.add(here);   // what a verifier proves
                out.add(in);
                if (it.second() != null) out.add(it.second());
            }
        }
        return out;
    }
}
