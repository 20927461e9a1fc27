package dev.kbpf.isa;

import static dev.kbpf.isa.Opcodes.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.kbpf.isa.AsmOperands.MemOperand;
import dev.kbpf.isa.AsmOperands.OperandException;

/**
 * The assembler of the bpf_conformance test suite ({@code lib/src/bpf_assembler.cc}), so that
 * the suite's {@code -- asm} sections assemble to exactly the bytes upstream produces.
 *
 * <p>Syntax, one instruction per line: {@code mnemonic op1, op2, …}. Registers are {@code %r0}
 * … {@code %r10}; memory operands {@code [%r10-8]}; immediates decimal or {@code 0x} hex; jump
 * targets {@code +N}, {@code -N} or a label. {@code name:} on its own line defines a label, and
 * the first {@code exit} instruction defines the label {@code exit}. {@code #} starts a comment.
 * 64-bit ALU mnemonics have no suffix ({@code add}), 32-bit ones end in {@code 32}
 * ({@code add32}); likewise the jumps ({@code jeq}, {@code jeq32}). Atomics are
 * {@code lock [fetch] op [%rD+off], %rS}; calls are {@code call N}, {@code call helper N},
 * {@code call %rN} (callx), {@code call local target} and {@code call runtime N} (kfunc).
 * See {@code ../shared/conformance/FORMAT.md} section 2 for the full table.
 *
 * <p>Like upstream, the assembler encodes rather than validates: it accepts {@code %r11}–{@code %r15}
 * and field combinations the ISA does not define, so that negative tests can be written;
 * {@link InsnDecoder} is what rejects them. Deliberate differences from upstream, all of which
 * reject input upstream would silently mangle: a label line with an instruction after the
 * label is an error (upstream drops the instruction); numbers must be whole tokens; a jump to a
 * label further than a 16-bit offset reaches is an error (upstream truncates); and the numeric
 * targets of {@code ja32} and {@code call local}, which live in the 32-bit imm, may use the
 * full 32-bit range. An explicit label {@code exit:} takes precedence over the implicit one.
 */
public final class Assembler {
    private Assembler() {}

    /** ALU operations shared by the 64-bit (no suffix) and 32-bit ({@code 32} suffix) forms. */
    private static final Map<String, Integer> ALU_OPS = Map.ofEntries(
            Map.entry("add", ADD), Map.entry("sub", SUB), Map.entry("mul", MUL), Map.entry("div", DIV),
            Map.entry("or", OR), Map.entry("and", AND), Map.entry("lsh", LSH), Map.entry("rsh", RSH),
            Map.entry("mod", MOD), Map.entry("xor", XOR), Map.entry("mov", MOV), Map.entry("arsh", ARSH));

    /** Conditional jump operations, 64-bit (no suffix) and 32-bit ({@code 32} suffix). */
    private static final Map<String, Integer> JMP_OPS = Map.ofEntries(
            Map.entry("jeq", JEQ), Map.entry("jgt", JGT), Map.entry("jge", JGE), Map.entry("jset", JSET),
            Map.entry("jne", JNE), Map.entry("jsgt", JSGT), Map.entry("jsge", JSGE), Map.entry("jlt", JLT),
            Map.entry("jle", JLE), Map.entry("jslt", JSLT), Map.entry("jsle", JSLE));

    /** Atomic operations after {@code lock} (without the size suffix) and their imm value. */
    private static final Map<String, Integer> ATOMIC_OPS = Map.of(
            "add", ADD, "and", AND, "or", OR, "xor", XOR, "xchg", XCHG, "cmpxchg", CMPXCHG);

    /** Width of the register source of each {@code movsx} mnemonic, and whether it is a 64-bit op. */
    private static final Map<String, int[]> MOVSX = Map.of(
            "movsx864", new int[] {8, ALU64}, "movsx1664", new int[] {16, ALU64}, "movsx3264", new int[] {32, ALU64},
            "movsx832", new int[] {8, ALU}, "movsx1632", new int[] {16, ALU});

    /**
     * Assembles a program.
     *
     * @param source assembler text, lines separated by {@code \n} (a trailing {@code \r} is ignored)
     * @return one {@link Insn} per 8-byte slot ({@code lddw} gives two)
     * @throws AsmException naming the 1-based line and what is wrong
     */
    public static List<Insn> assemble(String source) {
        return new Pass().run(source);
    }

    /** Assembles a program to its little-endian byte encoding (8 bytes per slot). */
    public static byte[] assembleToBytes(String source) {
        return InsnDecoder.encode(assemble(source));
    }

    /** A jump or call whose label is resolved once every label is known. */
    private record Fixup(int slot, String label, int line, boolean inImm) {}

    /** One assembly run: the output so far, the labels and the pending label references. */
    private static final class Pass {
        private final List<Insn> out = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();
        /** Where each label was defined, for the duplicate-label message. */
        private final Map<String, String> labelOrigins = new HashMap<>();
        private final List<Fixup> fixups = new ArrayList<>();
        private int line;

        List<Insn> run(String source) {
            String[] lines = source.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                line = i + 1;
                try {
                    line(lines[i]);
                } catch (OperandException e) {
                    throw new AsmException(line, e.getMessage());
                }
            }
            for (Fixup f : fixups) resolve(f);
            return List.copyOf(out);
        }

        private void line(String text) {
            if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
            int hash = text.indexOf('#');
            if (hash >= 0) text = text.substring(0, hash);
            String trimmed = text.strip();
            if (trimmed.isEmpty()) return;
            String[] tokens = trimmed.split("\\s+");
            String mnemonic = tokens[0];
            List<String> ops = new ArrayList<>(tokens.length - 1);
            for (int i = 1; i < tokens.length; i++) {
                String t = tokens[i];
                ops.add(t.endsWith(",") ? t.substring(0, t.length() - 1) : t);
            }
            if (mnemonic.endsWith(":")) {
                label(mnemonic.substring(0, mnemonic.length() - 1), ops);
                return;
            }
            if (mnemonic.equals("exit") && !labels.containsKey("exit")) define("exit", "the exit instruction on line " + line);
            instruction(mnemonic, ops);
        }

        private void label(String name, List<String> rest) {
            if (name.isEmpty()) throw new AsmException(line, "Invalid label: (empty name)");
            if (!rest.isEmpty()) {
                throw new AsmException(line, "Unexpected text after label " + name + ": " + String.join(" ", rest)
                        + " (put the instruction on its own line)");
            }
            if (labels.containsKey(name)) {
                throw new AsmException(line, "Duplicate label (" + name + ") detected (previous declaration at "
                        + labelOrigins.get(name) + ")");
            }
            define(name, "line " + line);
        }

        private void define(String name, String origin) {
            labels.put(name, out.size());
            labelOrigins.put(name, origin);
        }

        private void instruction(String m, List<String> ops) {
            switch (m) {
                case "lddw" -> {
                    count(m, ops, 2);
                    long v = AsmOperands.imm64(ops.get(1));
                    emit(LD_IMM64, AsmOperands.register(ops.get(0)), 0, 0, (int) v);
                    emit(0, 0, 0, 0, (int) (v >>> 32));
                }
                case "ldxb", "ldxh", "ldxw", "ldxdw", "ldxsb", "ldxsh", "ldxsw" -> {
                    count(m, ops, 2);
                    int dst = AsmOperands.register(ops.get(0));
                    MemOperand mem = AsmOperands.memory(ops.get(1));
                    int mode = m.startsWith("ldxs") ? MEMSX : MEM;
                    emit(LDX | mode | sizeOf(m.substring(mode == MEMSX ? 4 : 3)), dst, mem.reg(), mem.off(), 0);
                }
                case "stb", "sth", "stw", "stdw" -> {
                    count(m, ops, 2);
                    MemOperand mem = AsmOperands.memory(ops.get(0));
                    emit(ST | MEM | sizeOf(m.substring(2)), mem.reg(), 0, mem.off(), AsmOperands.imm32(ops.get(1)));
                }
                case "stxb", "stxh", "stxw", "stxdw" -> {
                    count(m, ops, 2);
                    MemOperand mem = AsmOperands.memory(ops.get(0));
                    emit(STX | MEM | sizeOf(m.substring(3)), mem.reg(), AsmOperands.register(ops.get(1)), mem.off(), 0);
                }
                case "neg", "neg32" -> {
                    count(m, ops, 1);
                    emit((m.endsWith("32") ? ALU : ALU64) | NEG | K, AsmOperands.register(ops.get(0)), 0, 0, 0);
                }
                case "be16", "be32", "be64", "le16", "le32", "le64" -> {
                    count(m, ops, 1);
                    int src = m.startsWith("be") ? TO_BE : TO_LE;
                    emit(ALU | END | src, AsmOperands.register(ops.get(0)), 0, 0, Integer.parseInt(m.substring(2)));
                }
                case "bswap16", "bswap32", "bswap64", "swap16", "swap32", "swap64" -> {
                    count(m, ops, 1);
                    emit(ALU64 | END | TO_LE, AsmOperands.register(ops.get(0)), 0, 0,
                            Integer.parseInt(m.substring(m.length() - 2)));
                }
                case "ja" -> {
                    count(m, ops, 1);
                    emit(JMP | JA, 0, 0, target(ops.get(0), false), 0);
                }
                case "ja32" -> {
                    count(m, ops, 1);
                    emit(JA32, 0, 0, 0, target(ops.get(0), true));
                }
                case "exit" -> {
                    count(m, ops, 0);
                    emit(EXIT_INSN, 0, 0, 0, 0);
                }
                case "call" -> call(ops);
                case "lock" -> lock(ops);
                default -> {
                    if (!alu(m, ops) && !jump(m, ops)) throw new AsmException(line, "Invalid mnemonic: " + m);
                }
            }
        }

        /** Two-operand ALU mnemonics ({@code add}, {@code add32}, {@code sdiv}, {@code movsx864}, …); false if m is none. */
        private boolean alu(String m, List<String> ops) {
            int cls = m.endsWith("32") ? ALU : ALU64;
            String base = m.endsWith("32") ? m.substring(0, m.length() - 2) : m;
            int op;
            int off = 0;
            if (MOVSX.containsKey(m)) {
                int[] form = MOVSX.get(m);
                op = MOV;
                off = form[0];
                cls = form[1];
            } else if (base.equals("sdiv") || base.equals("smod")) {
                op = base.equals("sdiv") ? DIV : MOD;
                off = 1; // RFC 9669: the signed forms are div/mod with offset 1
            } else if (ALU_OPS.containsKey(base)) {
                op = ALU_OPS.get(base);
            } else {
                return false;
            }
            count(m, ops, 2);
            int dst = AsmOperands.register(ops.get(0));
            String source = ops.get(1);
            if (AsmOperands.isRegister(source)) emit(cls | op | X, dst, AsmOperands.register(source), off, 0);
            else emit(cls | op | K, dst, 0, off, AsmOperands.imm32(source));
            return true;
        }

        /** Conditional jumps {@code jeq dst, src|imm, target} and their {@code 32} forms; false if m is none. */
        private boolean jump(String m, List<String> ops) {
            int cls = m.endsWith("32") ? JMP32 : JMP;
            Integer op = JMP_OPS.get(cls == JMP32 ? m.substring(0, m.length() - 2) : m);
            if (op == null) return false;
            count(m, ops, 3);
            int dst = AsmOperands.register(ops.get(0));
            String source = ops.get(1);
            int src = 0, imm = 0, opcode = cls | op;
            if (AsmOperands.isRegister(source)) {
                src = AsmOperands.register(source);
                opcode |= X;
            } else {
                imm = AsmOperands.imm32(source);
            }
            emit(opcode, dst, src, target(ops.get(2), false), imm);
            return true;
        }

        /** {@code call N}, {@code call helper N|%rN}, {@code call local target}, {@code call runtime N}. */
        private void call(List<String> ops) {
            if (ops.size() == 1) ops.add(0, "helper");
            count("call", ops, 2);
            String mode = ops.get(0), target = ops.get(1);
            switch (mode) {
                case "helper" -> {
                    if (AsmOperands.isRegister(target)) emit(CALLX, AsmOperands.register(target), 0, 0, 0);
                    else emit(CALL_IMM, 0, CALL_HELPER, 0, AsmOperands.imm32(target));
                }
                case "local" -> emit(CALL_IMM, 0, PSEUDO_CALL, 0, target(target, true));
                case "runtime" -> emit(CALL_IMM, 0, PSEUDO_KFUNC_CALL, 0, AsmOperands.imm32(target));
                default -> throw new AsmException(line, "Invalid call mode: " + mode);
            }
        }

        /** {@code lock [fetch] op[32] [%rD+off], %rS}. */
        private void lock(List<String> ops) {
            if (ops.isEmpty()) throw new AsmException(line, "Invalid number of operands for lock");
            boolean fetch = ops.get(0).equals("fetch");
            List<String> rest = fetch ? ops.subList(1, ops.size()) : ops;
            if (rest.isEmpty()) throw new AsmException(line, "Invalid number of operands for lock");
            String name = rest.get(0);
            boolean is32 = name.endsWith("32");
            Integer op = ATOMIC_OPS.get(is32 ? name.substring(0, name.length() - 2) : name);
            if (op == null) throw new AsmException(line, "Invalid mnemonic: lock " + name);
            List<String> operands = rest.subList(1, rest.size());
            count(name, operands, 2);
            MemOperand mem = AsmOperands.memory(operands.get(0));
            int src = AsmOperands.register(operands.get(1));
            emit(STX | ATOMIC | (is32 ? W : DW), mem.reg(), src, mem.off(), fetch ? op | FETCH : op);
        }

        /** A jump target: a relative slot count now, or 0 and a fixup for a label. */
        private int target(String token, boolean inImm) {
            if (AsmOperands.isRelativeTarget(token)) return inImm ? AsmOperands.imm32(token) : AsmOperands.offset(token);
            fixups.add(new Fixup(out.size(), token, line, inImm));
            return 0;
        }

        private void resolve(Fixup f) {
            Integer target = labels.get(f.label());
            if (target == null) throw new AsmException(f.line(), "Invalid label: " + f.label());
            int delta = target - f.slot() - 1;
            Insn i = out.get(f.slot());
            if (f.inImm()) {
                out.set(f.slot(), new Insn(i.opcode(), i.dst(), i.src(), i.off(), delta));
            } else {
                if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
                    throw new AsmException(f.line(), "Offset out of 16-bit range: label " + f.label() + " is " + delta + " slots away");
                }
                out.set(f.slot(), new Insn(i.opcode(), i.dst(), i.src(), delta, i.imm()));
            }
        }

        private void count(String mnemonic, List<String> ops, int expected) {
            if (ops.size() != expected) {
                throw new AsmException(line, "Invalid number of operands for mnemonic: " + mnemonic
                        + " (expected " + expected + ", got " + ops.size() + ")");
            }
        }

        private void emit(int opcode, int dst, int src, int off, int imm) {
            out.add(new Insn(opcode, dst, src, off, imm));
        }

        private static int sizeOf(String suffix) {
            return switch (suffix) {
                case "b" -> B;
                case "h" -> H;
                case "w" -> W;
                case "dw" -> DW;
                default -> throw new IllegalStateException("size suffix " + suffix); // unreachable: callers list the mnemonics
            };
        }
    }
}
