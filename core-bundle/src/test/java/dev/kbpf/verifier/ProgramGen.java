package dev.kbpf.verifier;

import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random tracepoint programs for {@link TestEnv}, in straight-line blocks with forward branches,
 * bounded loops, context loads, stack accesses, map lookups with and without null checks, direct
 * map values, indexes with and without bounds checks, atomics, ring buffer records, local
 * (bpf-to-bpf) calls of three kinds, {@code bpf_loop} callbacks and counted loops of the shape the
 * JIT versions.
 *
 * <p>Two temperaments. The default one is biased toward what can go wrong — context accesses at
 * random offsets, misaligned and uninitialised stack, unchecked lookups, unbounded indexes — so
 * that the verifier's soundness test sees both sides of every rule. The {@linkplain #careful
 * careful} one takes those risks rarely and keeps accesses inside what the verifier can prove, so
 * most of its programs are accepted: the differential test wants many accepted programs, each
 * verified once.
 *
 * <p>Register use: r6 holds the context (in callbacks, the caller's stack pointer), r7-r9 the
 * scalars blocks compute with, r0-r5 are scratch. Stack: [fp-48, fp-8] general use, fp-56/fp-64
 * map keys, fp-72/fp-80 the counters of the bounded loops (on the stack so that no block can
 * clobber them into an endless loop).
 */
final class ProgramGen {
    /** Map fds of TestEnv whose values programs reach; the soundness harness gives each an extra region. */
    static final int[] MAP_FDS = {TestEnv.HASH_8B, TestEnv.ARRAY_48B, TestEnv.COUNTS, TestEnv.ARRAY_8B};
    /** Frames a program may use, counting its own (Linux allows eight; three keep programs small). */
    private static final int MAX_FRAMES = 3;
    private static final int MAX_SUBPROGS = 4;

    private enum Kind { CTX_SCALAR, STACK_POINTER, MAP_VALUE, CALLBACK }

    /** A subprogram: its body, how many frames it needs including its own, and (MAP_VALUE) the map it looks up. */
    private static final class Sub {
        final Kind kind;
        final List<Insn> body = new ArrayList<>();
        int height = 1;
        int fd;
        boolean done;

        Sub(Kind kind) { this.kind = kind; }
    }

    /** A call or {@code lddw} pseudo func in function {@code fn} at {@code index} that must name subprogram {@code target}. */
    private record Fixup(int fn, int index, int target) {}

    final Random rnd;
    final boolean careful;
    private List<Insn> out = new ArrayList<>();
    private final List<List<Insn>> functions = new ArrayList<>();
    private final List<Sub> subs = new ArrayList<>();
    private final List<Fixup> fixups = new ArrayList<>();
    private int fn;            // index in functions of the one being generated
    private int frames = 1;    // frames in use where code is being generated
    private int height = 1;    // frames the function being generated needs: its own and its deepest callee's
    private boolean noCtx;     // in a callback: r6 is not the context

    /** A generator of the default, risk-seeking temperament. */
    ProgramGen(Random rnd) { this(rnd, false); }

    ProgramGen(Random rnd, boolean careful) {
        this.rnd = rnd;
        this.careful = careful;
        functions.add(out);
    }

    /** True one time in {@code n} (one time in {@code 20 n} when careful): for the choices the verifier refuses. */
    private boolean risk(int n) { return rnd.nextInt(careful ? 20 * n : n) == 0; }

    void add(int op, int dst, int src, int off, int imm) { out.add(new Insn(op, dst, src, (short) off, imm)); }

    int scalarReg() { return new int[] {7, 8, 9}[rnd.nextInt(3)]; }

    /** The whole program: the main function, then every subprogram, with calls and callback addresses resolved. */
    List<Insn> program() {
        add(0xbf, 6, 1, 0, 0); // r6 = ctx
        for (int r : new int[] {7, 8, 9}) add(0xb7, r, 0, 0, rnd.nextInt(16));
        if (careful) initStack();
        int blocks = 1 + rnd.nextInt(careful ? 5 : 6);
        for (int b = 0; b < blocks; b++) block(2);
        if (rnd.nextBoolean()) { // r0 = r7 + r8 ^ r9: what the scalars came to
            add(0xbf, 0, 7, 0, 0);
            add(0x0f, 0, 8, 0, 0);
            add(0xaf, 0, 9, 0, 0);
        } else {
            add(0xb7, 0, 0, 0, 0);
        }
        add(0x95, 0, 0, 0, 0);
        return link();
    }

    private List<Insn> link() {
        int[] start = new int[functions.size()];
        List<Insn> all = new ArrayList<>();
        for (int f = 0; f < functions.size(); f++) {
            start[f] = all.size();
            all.addAll(functions.get(f));
        }
        for (Fixup x : fixups) {
            int at = start[x.fn] + x.index;
            int rel = start[x.target + 1] - at - 1;
            Insn in = all.get(at);
            all.set(at, new Insn(in.opcode(), in.dst(), in.src(), in.off(), rel));
        }
        return all;
    }

    /** Fills fp-64..fp-8 with constants or scalars, so that careful stack reads never meet uninitialised bytes. */
    private void initStack() {
        for (int off = -8; off >= -64; off -= 8) {
            if (rnd.nextBoolean()) add(0x7a, 10, 0, off, rnd.nextInt(64));
            else add(0x7b, 10, scalarReg(), off, 0);
        }
    }

    void block(int depth) {
        int kinds = depth > 0 ? 12 : 7;
        switch (rnd.nextInt(kinds)) {
            case 0 -> { if (noCtx) alu(); else ctxLoad(); }
            case 1 -> alu();
            case 2 -> stack();
            case 3 -> mapAccess();
            case 4 -> directValue();
            case 5 -> ringbuf();
            case 6 -> countedLoop();
            case 7 -> branch(depth);
            case 8 -> loop(depth);
            case 9 -> localCall();
            case 10 -> bpfLoop();
            default -> { alu(); if (noCtx) alu(); else ctxLoad(); }
        }
    }

    /**
     * A counted loop of the shape the JIT versions (a guarded copy without memory checks or budget
     * compares): one path through a body without jumps or calls — scalar arithmetic, context loads,
     * stack accesses and accesses to a map value held in r3, which the body never writes — one
     * induction variable r5 stepped by a constant up or down, and an exit test against a constant
     * or an invariant r4, at the bottom of the loop or at its top.
     */
    void countedLoop() {
        int step = 1 + rnd.nextInt(3), trips = 1 + rnd.nextInt(8), from = rnd.nextInt(4);
        int to = from + step * trips;
        boolean down = rnd.nextInt(3) == 0, viaReg = rnd.nextBoolean(), atTop = rnd.nextInt(3) == 0, exact = rnd.nextInt(3) == 0;
        int fd = rnd.nextBoolean() ? TestEnv.ARRAY_48B : TestEnv.ARRAY_8B;
        boolean mapPtr = rnd.nextBoolean();
        if (mapPtr) {
            add(Opcodes.LD_IMM64, 3, Opcodes.PSEUDO_MAP_VALUE, 0, fd);
            add(0, 0, 0, 0, 0);
        }
        int limit = down ? from : to;
        if (viaReg) add(0xb7, 4, 0, 0, limit);
        add(0xb7, 5, 0, 0, down ? to : from);
        // the test: go on while r5 < limit (up) or r5 > limit (down); != when the limit is met exactly
        int goOn = exact ? 0x55 : down ? 0x25 : 0xa5;           // jne, jgt, jlt (imm forms; | 0x08 for the register)
        int stop = exact ? 0x15 : down ? 0xb5 : 0x35;            // jeq, jle, jge: the negation, for a test at the top
        int head = out.size();
        if (atTop) add(viaReg ? stop | 0x08 : stop, 5, viaReg ? 4 : 0, 0, viaReg ? 0 : limit);   // patched below
        int body = 1 + rnd.nextInt(4);
        for (int b = 0; b < body; b++) {
            switch (rnd.nextInt(mapPtr ? 6 : 4)) {
                case 0 -> alu();
                case 1 -> { if (noCtx) add(0x0f, scalarReg(), 5, 0, 0); else add(0x79, scalarReg(), 6, 8 * rnd.nextInt(8), 0); }
                case 2 -> {
                    int off = -8 * (1 + rnd.nextInt(6));
                    if (rnd.nextBoolean()) add(0x7b, 10, scalarReg(), off, 0);
                    else add(0x79, scalarReg(), 10, off, 0);
                }
                case 3 -> add(new int[] {0x0f, 0x1f, 0xaf}[rnd.nextInt(3)], scalarReg(), 5, 0, 0);            // scalar op= r5
                default -> {
                    int k = rnd.nextInt(4);
                    int size = 1 << k, room = fd == TestEnv.ARRAY_48B ? 48 : 8;
                    int off = size * rnd.nextInt(room / size);
                    int[] loads = {0x71, 0x69, 0x61, 0x79}, stores = {0x73, 0x6b, 0x63, 0x7b};
                    if (rnd.nextBoolean()) add(loads[k], scalarReg(), 3, off, 0);
                    else add(stores[k], 3, scalarReg(), off, 0);
                }
            }
        }
        add(0x07, 5, 0, 0, down ? -step : step);
        if (atTop) {
            add(0x05, 0, 0, head - out.size() - 1, 0);                                                           // ja head
            Insn test = out.get(head);
            out.set(head, new Insn(test.opcode(), test.dst(), test.src(), (short) (out.size() - head - 1), test.imm()));
        } else if (viaReg) {
            add(goOn | 0x08, 5, 4, head - out.size() - 1, 0);
        } else {
            add(goOn, 5, 0, head - out.size() - 1, limit);
        }
    }

    void ctxLoad() {
        int size = new int[] {0x61, 0x69, 0x71, 0x79}[rnd.nextInt(4)];
        int off = risk(10) ? rnd.nextInt(2100) - 20 : 8 * rnd.nextInt(8);
        add(size, scalarReg(), 6, off, 0);
    }

    void alu() {
        int[] ops = {0x07, 0x17, 0x27, 0x57, 0x47, 0x67, 0x77, 0xc7, 0x97, 0xb7, 0x04, 0x54, 0xbf, 0x0f, 0x1f, 0x5f, 0xaf, 0x2f, 0x87, 0xdc};
        int op = ops[rnd.nextInt(ops.length)];
        int imm = switch (op) {
            case 0x67, 0x77, 0xc7 -> rnd.nextInt(8);
            case 0x97 -> 1 + rnd.nextInt(60);
            case 0x57, 0x54 -> (1 << rnd.nextInt(7)) - 1;
            case 0x87 -> 0;
            case 0xdc -> new int[] {16, 32, 64}[rnd.nextInt(3)];
            default -> rnd.nextInt(80) - 16;
        };
        if ((op & 0x08) != 0 && op != 0xdc) add(op, scalarReg(), scalarReg(), 0, 0);
        else add(op, scalarReg(), 0, 0, imm);
    }

    void stack() {
        int off = -8 * (1 + rnd.nextInt(6)) + (risk(8) ? 4 : 0);
        switch (rnd.nextInt(5)) {
            case 0 -> add(0x7b, 10, scalarReg(), off, 0);
            case 1 -> add(0x7a, 10, 0, off, rnd.nextInt(4));
            case 2 -> add(0x79, scalarReg(), 10, off, 0);
            case 3 -> { // through a stack pointer, maybe with a variable offset
                add(0xbf, 2, 10, 0, 0);
                add(0x07, 2, 0, 0, -48);
                if (rnd.nextBoolean()) { int r = scalarReg(); add(0x57, r, 0, 0, risk(2) ? 0x3f : 0x18); add(0x0f, 2, r, 0, 0); }
                int at = careful ? 8 * rnd.nextInt(3) : 8 * rnd.nextInt(7);
                boolean store = rnd.nextBoolean();
                int other = rnd.nextBoolean() ? 2 : scalarReg();
                if (careful && !risk(5)) add(store ? 0x7b : 0x79, store ? 2 : other, store ? other : 2, at, 0);
                else add(store ? 0x7b : 0x79, rnd.nextBoolean() ? 2 : scalarReg(), other, at, 0);
            }
            default -> add(0x63, 10, scalarReg(), off, 0);
        }
    }

    private static int valueSize(int fd) { return fd == TestEnv.ARRAY_48B ? 48 : 8; }

    /** r0 = lookup(map, key on the stack); maybe null-checked; accesses through r0. */
    void mapAccess() {
        int fd = MAP_FDS[rnd.nextInt(MAP_FDS.length)];
        lookup(fd);
        List<Insn> body = new ArrayList<>();
        int uses = 1 + rnd.nextInt(3);
        for (int u = 0; u < uses; u++) pointerUse(body, 0, valueSize(fd));
        if (!risk(10)) add(0x15, 0, 0, body.size(), 0); // if r0 == 0 goto over the body
        out.addAll(body);
    }

    private void lookup(int fd) {
        add(0x7a, 10, 0, -64, rnd.nextInt(3));
        add(0x7a, 10, 0, -56, 0);
        add(0xbf, 2, 10, 0, 0);
        add(0x07, 2, 0, 0, -64);
        add(Opcodes.LD_IMM64, 1, Opcodes.PSEUDO_MAP_FD, 0, fd);
        add(0, 0, 0, 0, 0);
        add(0x85, 0, 0, 0, 1);
    }

    void directValue() {
        int fd = MAP_FDS[1 + rnd.nextInt(MAP_FDS.length - 1)];
        if (fd == TestEnv.COUNTS) fd = TestEnv.ARRAY_48B;
        int base = 8 * rnd.nextInt(fd == TestEnv.ARRAY_48B ? 6 : 1);
        add(Opcodes.LD_IMM64, 3, Opcodes.PSEUDO_MAP_VALUE, 0, fd);
        add(0, 0, 0, 0, base);
        List<Insn> body = new ArrayList<>();
        pointerUse(body, 3, valueSize(fd) - base);
        out.addAll(body);
    }

    /** A load, store or atomic through {@code p}, maybe after adding a (bounded or not) index; {@code room} bytes are valid from p. */
    void pointerUse(List<Insn> body, int p, int room) {
        if (careful && !risk(5)) { carefulUse(body, p, room); return; }
        int q = 4;
        body.add(new Insn(0xbf, q, p, (short) 0, 0));
        if (rnd.nextInt(3) == 0) {
            int idx = 5;
            index(body, idx);
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    body.add(new Insn(0x57, idx, 0, (short) 0, (1 << rnd.nextInt(7)) - 1));
                    if (rnd.nextBoolean()) { // through a (maybe narrow, maybe mismatched) spill and fill
                        int[] st = {0x63, 0x6b, 0x73, 0x7b}, ld = {0x61, 0x69, 0x71, 0x79};
                        int off = -24 - (rnd.nextInt(4) == 0 ? 4 : 0);
                        body.add(new Insn(st[rnd.nextInt(4)], 10, idx, (short) off, 0));
                        body.add(new Insn(ld[rnd.nextInt(4)], idx, 10, (short) (off + (rnd.nextInt(4) == 0 ? 2 : 0)), 0));
                    }
                }
                case 1 -> {
                    int bound = rnd.nextInt(64);
                    body.add(new Insn(0x25, idx, 0, (short) 1, bound)); // if idx > bound skip the add
                    body.add(new Insn(0x0f, q, idx, (short) 0, 0));
                    memOp(body, q, rnd.nextInt(5) == 0 ? rnd.nextInt(64) - 8 : 0, rnd.nextInt(4), true);
                    return;
                }
                case 2 -> body.add(new Insn(0x97, idx, 0, (short) 0, 1 + rnd.nextInt(48)));
                default -> { }
            }
            body.add(new Insn(0x0f, q, idx, (short) 0, 0));
        } else if (rnd.nextInt(3) == 0) {
            body.add(new Insn(0x07, q, 0, (short) 0, rnd.nextInt(56) - 4));
        }
        memOp(body, q, rnd.nextInt(5) == 0 ? rnd.nextInt(64) - 8 : 0, rnd.nextInt(4), true);
    }

    /** An unknown u32 index into r{@code idx}: from the context, or (in a callback) from a scalar register. */
    private void index(List<Insn> body, int idx) {
        if (noCtx) body.add(new Insn(0xbf, idx, scalarReg(), (short) 0, 0));
        else body.add(new Insn(0x61, idx, 6, (short) (4 * rnd.nextInt(8)), 0));
    }

    /** An access the verifier can prove: a constant offset, a masked index or an index checked against the room left. */
    private void carefulUse(List<Insn> body, int p, int room) {
        int k = rnd.nextInt(4);
        while ((1 << k) > room) k--;
        int size = 1 << k;
        int q = 4, idx = 5;
        body.add(new Insn(0xbf, q, p, (short) 0, 0));
        switch (rnd.nextInt(4)) {
            case 0 -> { // constant offset, maybe an atomic when aligned
                int off = size * rnd.nextInt((room - size) / size + 1);
                memOp(body, q, off, k, true);
            }
            case 1 -> { // index masked to fit, maybe through a spill and fill of the same width
                int bits = 31 - Integer.numberOfLeadingZeros(room - size + 1);
                index(body, idx);
                body.add(new Insn(0x57, idx, 0, (short) 0, (1 << rnd.nextInt(bits + 1)) - 1));
                if (rnd.nextBoolean()) {
                    boolean wide = rnd.nextBoolean();
                    body.add(new Insn(wide ? 0x7b : 0x63, 10, idx, (short) -24, 0));
                    body.add(new Insn(wide ? 0x79 : 0x61, idx, 10, (short) -24, 0));
                }
                body.add(new Insn(0x0f, q, idx, (short) 0, 0));
                memOp(body, q, 0, k, false);
            }
            case 2 -> { // index checked against the room left
                index(body, idx);
                body.add(new Insn(0x25, idx, 0, (short) 2, room - size)); // if idx > room - size skip
                body.add(new Insn(0x0f, q, idx, (short) 0, 0));
                memOp(body, q, 0, k, false);
            }
            default -> { // pointer moved by a constant, then an access at a constant offset
                int move = rnd.nextInt(room - size + 1);
                body.add(new Insn(0x07, q, 0, (short) 0, move));
                memOp(body, q, rnd.nextInt(room - size - move + 1), k, false);
            }
        }
    }

    /** One load, store or (when allowed) atomic of size {@code 1 << k} at {@code q + off}; exactly one instruction. */
    void memOp(List<Insn> body, int q, int off, int k, boolean atomicOk) {
        int[] loads = {0x71, 0x69, 0x61, 0x79}, stores = {0x73, 0x6b, 0x63, 0x7b};
        int choice = rnd.nextInt(atomicOk ? 4 : 2);
        if (choice >= 2 && careful && (k < 2 || off % (1 << k) != 0)) choice = rnd.nextInt(2);
        switch (choice) {
            case 0 -> body.add(new Insn(loads[k], scalarReg(), q, (short) off, 0));
            case 1 -> body.add(new Insn(stores[k], q, scalarReg(), (short) off, 0));
            case 2 -> body.add(new Insn(careful && k == 2 ? 0xc3 : 0xdb, q, scalarReg(), (short) (careful ? off : off & ~7), 0)); // lock add
            default -> { // fetch add, xchg or (for r0) nothing: the old value comes back in a scalar
                int[] ops = {Opcodes.FETCH, Opcodes.XCHG, 0x40 | Opcodes.FETCH}; // fetch add, xchg, fetch or
                body.add(new Insn(careful && k == 2 ? 0xc3 : 0xdb, q, scalarReg(), (short) (careful ? off : off & ~7), ops[rnd.nextInt(ops.length)]));
            }
        }
    }

    void ringbuf() {
        int size = 8 * (1 + rnd.nextInt(4));
        add(Opcodes.LD_IMM64, 1, Opcodes.PSEUDO_MAP_FD, 0, TestEnv.RINGBUF);
        add(0, 0, 0, 0, 0);
        add(0xb7, 2, 0, 0, size);
        add(0xb7, 3, 0, 0, 0);
        add(0x85, 0, 0, 0, 131);
        List<Insn> body = new ArrayList<>();
        body.add(new Insn(0x7a, 0, 0, (short) (8 * rnd.nextInt(careful && !risk(5) ? size / 8 : 5)), 7));
        if (careful && rnd.nextBoolean()) pointerUse(body, 0, size);
        body.add(new Insn(0xbf, 1, 0, (short) 0, 0));
        body.add(new Insn(0xb7, 2, 0, (short) 0, 0));
        body.add(new Insn(0x85, 0, 0, (short) 0, rnd.nextBoolean() ? 132 : 133));
        if (!risk(10)) add(0x15, 0, 0, body.size(), 0);
        out.addAll(body);
    }

    void branch(int depth) {
        int r = scalarReg();
        int[] ops = {0x25, 0x35, 0xa5, 0xb5, 0x65, 0xc5, 0x15, 0x55, 0x45, 0x26, 0x16, 0x5d};
        int op = ops[rnd.nextInt(ops.length)];
        int at = out.size();
        add(op, r, 0, 0, rnd.nextInt(40));
        block(depth - 1);
        int jump = out.size() - at - 1;
        out.set(at, (op & 0x08) != 0
                ? new Insn(op, r, scalarReg(), (short) jump, 0)                                 // register compare
                : new Insn(op, r, 0, (short) jump, out.get(at).imm()));
    }

    /** A loop of 1-6 iterations whose counter lives on the stack (fp-72, or fp-80 when nested). */
    void loop(int depth) {
        int slot = depth >= 2 ? -72 : -80;
        int n = 1 + rnd.nextInt(6);
        add(0x7a, 10, 0, slot, 0);
        int head = out.size();
        block(depth - 1);
        add(0x79, 1, 10, slot, 0);
        add(0x07, 1, 0, 0, 1);
        add(0x7b, 10, 1, slot, 0);
        add(0xa5, 1, 0, head - out.size() - 1, n);
    }

    // ---------------------------------------------------------------- calls

    /** A bpf-to-bpf call: the callee gets the context and a scalar, a pointer into the caller's stack, or returns a map value. */
    void localCall() {
        Kind kind = noCtx ? (rnd.nextBoolean() ? Kind.STACK_POINTER : Kind.MAP_VALUE) : Kind.values()[rnd.nextInt(3)];
        if (kind == Kind.STACK_POINTER) {
            add(0x7b, 10, scalarReg(), -8, 0);
            add(0xbf, 1, 10, 0, 0);
            add(0x07, 1, 0, 0, -8);
            add(0xbf, 2, scalarReg(), 0, 0);
        } else if (kind == Kind.CTX_SCALAR) {
            add(0xbf, 1, 6, 0, 0);
            add(0xbf, 2, scalarReg(), 0, 0);
        }
        int target = subprogram(kind);
        if (target < 0) { alu(); return; }
        fixups.add(new Fixup(fn, out.size(), target));
        add(0x85, 0, Opcodes.PSEUDO_CALL, 0, 0);
        switch (kind) {
            case MAP_VALUE -> {
                List<Insn> body = new ArrayList<>();
                int uses = 1 + rnd.nextInt(2);
                for (int u = 0; u < uses; u++) pointerUse(body, 0, valueSize(subs.get(target).fd));
                if (!risk(10)) add(0x15, 0, 0, body.size(), 0);
                out.addAll(body);
            }
            case STACK_POINTER -> {
                add(0xbf, scalarReg(), 0, 0, 0);
                if (rnd.nextBoolean()) add(0x79, scalarReg(), 10, -8, 0);
            }
            default -> add(0xbf, scalarReg(), 0, 0, 0);
        }
    }

    /** {@code bpf_loop(n, callback, &stack or NULL, 0)}: the callback adds its index into the caller's stack slot and may stop early. */
    void bpfLoop() {
        boolean withStack = !risk(3) || careful;
        if (withStack) add(0x7b, 10, scalarReg(), -16, 0);
        add(0xb7, 1, 0, 0, 1 + rnd.nextInt(8));
        int target = subprogram(withStack ? Kind.CALLBACK : null);
        if (target < 0) { alu(); return; }
        fixups.add(new Fixup(fn, out.size(), target));
        add(Opcodes.LD_IMM64, 2, Opcodes.PSEUDO_FUNC, 0, 0);
        add(0, 0, 0, 0, 0);
        if (withStack) { add(0xbf, 3, 10, 0, 0); add(0x07, 3, 0, 0, -16); }
        else add(0xb7, 3, 0, 0, 0);
        add(0xb7, 4, 0, 0, 0);
        add(0x85, 0, 0, 0, 181);
        add(0xbf, scalarReg(), 0, 0, 0);
        if (withStack && rnd.nextBoolean()) add(0x79, scalarReg(), 10, -16, 0);
    }

    /**
     * A subprogram of {@code kind} (null: a callback given no stack pointer) that fits in the
     * frames left: an existing finished one a third of the time, else a new one. -1 when none may be made.
     */
    private int subprogram(Kind kind) {
        Kind k = kind == null ? Kind.CALLBACK : kind;
        boolean stackArg = kind != null;
        if (frames >= MAX_FRAMES) return -1;
        if (rnd.nextInt(3) == 0) {
            for (int i = 0; i < subs.size(); i++) {
                Sub s = subs.get(i);
                if (s.done && s.kind == k && frames + s.height <= MAX_FRAMES && (k != Kind.CALLBACK || s.fd == (stackArg ? 1 : 0))) {
                    height = Math.max(height, 1 + s.height);
                    return i;
                }
            }
        }
        if (subs.size() >= MAX_SUBPROGS) return -1;
        Sub s = new Sub(k);
        subs.add(s);
        int index = subs.size() - 1;
        // generate its body in a function of its own
        List<Insn> savedOut = out;
        int savedFn = fn, savedFrames = frames, savedHeight = height;
        boolean savedNoCtx = noCtx;
        functions.add(s.body);
        out = s.body;
        fn = functions.size() - 1;
        frames++;
        height = 1;
        switch (k) {
            case CTX_SCALAR -> {
                add(0xbf, 6, 1, 0, 0);
                add(0xbf, 7, 2, 0, 0);
                add(0xb7, 8, 0, 0, rnd.nextInt(16));
                add(0xb7, 9, 0, 0, rnd.nextInt(16));
                noCtx = false;
                if (careful) initStack();
                int blocks = 1 + rnd.nextInt(3);
                for (int b = 0; b < blocks; b++) block(1);
                add(0xbf, 0, scalarReg(), 0, 0);
            }
            case STACK_POINTER -> {
                add(0x79, 3, 1, 0, 0);                                             // r3 = *(u64 *)(r1 + 0)
                add(new int[] {0x0f, 0xaf, 0x1f, 0x2f}[rnd.nextInt(4)], 3, 2, 0, 0); // r3 op= r2
                add(0x7b, 1, 3, 0, 0);                                             // *(u64 *)(r1 + 0) = r3
                add(0xbf, 0, 3, 0, 0);
                add(0x57, 0, 0, 0, 0xffff);
            }
            case MAP_VALUE -> {
                s.fd = MAP_FDS[rnd.nextInt(MAP_FDS.length)];
                if (rnd.nextBoolean()) add(0x7a, 10, 0, -8, rnd.nextInt(3));
                lookup(s.fd);
            }
            case CALLBACK -> {
                s.fd = stackArg ? 1 : 0;
                add(0xbf, 7, 1, 0, 0);                                 // r7 = index
                add(stackArg ? 0xbf : 0xb7, 6, stackArg ? 2 : 0, 0, 0); // r6 = the caller's slot (or 0)
                add(0xb7, 8, 0, 0, rnd.nextInt(16));
                add(0xb7, 9, 0, 0, rnd.nextInt(16));
                noCtx = true;
                if (careful) initStack();
                int blocks = rnd.nextInt(3);
                for (int b = 0; b < blocks; b++) block(1);
                if (stackArg) {
                    add(0x79, 3, 6, 0, 0);
                    add(0x0f, 3, 7, 0, 0);
                    add(0x7b, 6, 3, 0, 0);
                }
                add(0xbf, 0, rnd.nextBoolean() ? 7 : scalarReg(), 0, 0);
                add(0x57, 0, 0, 0, risk(20) ? 3 : 1);                  // 0: go on, 1: stop
            }
        }
        add(0x95, 0, 0, 0, 0);
        s.height = height;
        s.done = true;
        out = savedOut;
        fn = savedFn;
        frames = savedFrames;
        height = Math.max(savedHeight, 1 + s.height);
        noCtx = savedNoCtx;
        return index;
    }
}
