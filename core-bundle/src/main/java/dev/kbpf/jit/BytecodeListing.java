package dev.kbpf.jit;

import dev.kbpf.isa.Disassembler;
import dev.kbpf.isa.Insn;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A readable listing of a generated class ({@code prog dump jited}): every method, its JVM
 * instructions one per line, and above each group the BPF instruction it implements (taken from
 * the line-number table, which holds slot + 1) in the verifier-log syntax. Built from the class
 * bytes with ASM's core reader, so the JIT needs no extra library.
 */
final class BytecodeListing {
    private BytecodeListing() {}

    private static final String[] NAMES = opcodeNames();

    static String of(byte[] classBytes, List<Insn> slots) {
        StringBuilder out = new StringBuilder();
        Disassembler dis = new Disassembler();
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                out.append("\nmethod ").append(name).append(descriptor).append('\n');
                return new Printer(out, dis, slots);
            }
        }, ClassReader.SKIP_FRAMES);
        return out.toString();
    }

    private static final class Printer extends MethodVisitor {
        private final StringBuilder out;
        private final Disassembler dis;
        private final List<Insn> slots;
        private final Map<Label, String> names = new HashMap<>();
        private int lastLine = -1;

        Printer(StringBuilder out, Disassembler dis, List<Insn> slots) {
            super(Opcodes.ASM9);
            this.out = out;
            this.dis = dis;
            this.slots = slots;
        }

        private String label(Label l) { return names.computeIfAbsent(l, x -> "L" + names.size()); }

        private void op(int opcode, String operands) {
            out.append("      ").append(NAMES[opcode]);
            if (!operands.isEmpty()) out.append(' ').append(operands);
            out.append('\n');
        }

        @Override public void visitLabel(Label label) {
            out.append("    ").append(label(label)).append(":\n");
        }

        @Override public void visitLineNumber(int line, Label start) {
            int slot = line - 1;
            if (slot == lastLine) return;
            lastLine = slot;
            if (slot >= 0 && slot < slots.size()) {
                Insn in = slots.get(slot);
                Insn next = slot + 1 < slots.size() ? slots.get(slot + 1) : null;
                out.append("  ; ").append(dis.line(slot, in, next)).append('\n');
            } else {
                out.append("  ; ").append(slot).append(": (past the end: fell off)\n");
            }
        }

        @Override public void visitInsn(int opcode) { op(opcode, ""); }
        @Override public void visitIntInsn(int opcode, int operand) { op(opcode, Integer.toString(operand)); }
        @Override public void visitVarInsn(int opcode, int var) { op(opcode, Integer.toString(var)); }
        @Override public void visitTypeInsn(int opcode, String type) { op(opcode, type); }
        @Override public void visitFieldInsn(int opcode, String owner, String name, String descriptor) { op(opcode, owner + "." + name + " " + descriptor); }
        @Override public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (owner.equals("dev/kbpf/jit/LoopGuard") && name.equals("trips")) {
                out.append("  ; loop guard: the loop's fast copy (no memory checks, no budget compares) runs when every trip is proved safe\n");
            }
            op(opcode, owner + "." + name + descriptor);
        }
        @Override public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... args) {
            out.append("      INVOKEDYNAMIC ").append(name).append(descriptor).append('\n');
        }
        @Override public void visitJumpInsn(int opcode, Label label) { op(opcode, label(label)); }
        @Override public void visitLdcInsn(Object value) {
            String v;
            if (value instanceof ConstantDynamic c) v = "class data #" + c.getBootstrapMethodArgument(0) + " " + c.getDescriptor();
            else if (value instanceof Long l) v = l + "L (0x" + Long.toHexString(l) + ")";
            else if (value instanceof String s) v = '"' + s + '"';
            else v = String.valueOf(value);
            op(Opcodes.LDC, v);
        }
        @Override public void visitIincInsn(int var, int increment) { op(Opcodes.IINC, var + " " + increment); }
        @Override public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < labels.length; i++) sb.append(min + i).append(": ").append(label(labels[i])).append(", ");
            op(Opcodes.TABLESWITCH, sb + "default: " + label(dflt));
        }
        @Override public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < keys.length; i++) sb.append(keys[i]).append(": ").append(label(labels[i])).append(", ");
            op(Opcodes.LOOKUPSWITCH, sb + "default: " + label(dflt));
        }
        @Override public void visitMultiANewArrayInsn(String descriptor, int numDimensions) { op(Opcodes.MULTIANEWARRAY, descriptor + " " + numDimensions); }
        @Override public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            out.append("    try ").append(label(start)).append("..").append(label(end)).append(" catch ").append(type).append(" -> ").append(label(handler)).append('\n');
        }
    }

    /** Mnemonics from the int constants of ASM's Opcodes interface, leaving out its flag, version and type constants. */
    private static String[] opcodeNames() {
        String[] names = new String[256];
        for (int i = 0; i < names.length; i++) names[i] = "OP_" + i;
        for (Field f : Opcodes.class.getFields()) {
            String n = f.getName();
            if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers()) || n.matches("(ACC_|ASM|V\\d|V_|T_|H_|F_|SOURCE_).*")) continue;
            try {
                int v = f.getInt(null);
                if (v >= 0 && v < 256) names[v] = n;
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }
}
