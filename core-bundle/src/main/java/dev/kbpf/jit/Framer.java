package dev.kbpf.jit;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Writes the stack map frames of a generated method itself, instead of ASM's
 * {@code COMPUTE_FRAMES} data-flow analysis (about half the compile time): in the JIT's methods
 * every jump target has the same locals and an empty stack, so one frame fits them all. A frame
 * goes at each {@link #target} label and after every unconditional transfer, never twice at one
 * offset.
 */
final class Framer extends MethodVisitor {
    private final Object[] locals;
    private int count;
    private int lastFrame = -1;
    private boolean needFrame;

    /** {@code locals}: the method's locals at every jump target, in ASM's expanded form (a long is one entry). */
    Framer(MethodVisitor mv, Object[] locals) {
        super(Opcodes.ASM9, mv);
        this.locals = locals;
    }

    /** Places a label that jumps (or the exception table) go to, with the common frame. */
    void target(Label label) {
        super.visitLabel(label);
        frame(0, null);
    }

    /** Places the exception handler's label: the common locals and the exception on the stack. */
    void handler(Label label, String exceptionType) {
        super.visitLabel(label);
        frame(1, new Object[] {exceptionType});
    }

    private void frame(int stackSize, Object[] stack) {
        if (count == lastFrame) return;
        super.visitFrame(Opcodes.F_NEW, locals.length, locals, stackSize, stack);
        lastFrame = count;
        needFrame = false;
    }

    private void before() {
        if (needFrame) frame(0, null);
    }

    private void after(boolean unconditional) {
        count++;
        if (unconditional) needFrame = true;
    }

    @Override public void visitInsn(int opcode) {
        before();
        super.visitInsn(opcode);
        after(opcode == Opcodes.ATHROW || (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN));
    }
    @Override public void visitIntInsn(int opcode, int operand) { before(); super.visitIntInsn(opcode, operand); after(false); }
    @Override public void visitVarInsn(int opcode, int var) { before(); super.visitVarInsn(opcode, var); after(false); }
    @Override public void visitTypeInsn(int opcode, String type) { before(); super.visitTypeInsn(opcode, type); after(false); }
    @Override public void visitFieldInsn(int opcode, String owner, String name, String d) { before(); super.visitFieldInsn(opcode, owner, name, d); after(false); }
    @Override public void visitMethodInsn(int opcode, String owner, String name, String d, boolean itf) {
        before();
        super.visitMethodInsn(opcode, owner, name, d, itf);
        after(false);
    }
    @Override public void visitInvokeDynamicInsn(String name, String d, Handle bsm, Object... args) { before(); super.visitInvokeDynamicInsn(name, d, bsm, args); after(false); }
    @Override public void visitJumpInsn(int opcode, Label label) { before(); super.visitJumpInsn(opcode, label); after(opcode == Opcodes.GOTO); }
    @Override public void visitLdcInsn(Object value) { before(); super.visitLdcInsn(value); after(false); }
    @Override public void visitIincInsn(int var, int increment) { before(); super.visitIincInsn(var, increment); after(false); }
    @Override public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) { before(); super.visitTableSwitchInsn(min, max, dflt, labels); after(true); }
    @Override public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) { before(); super.visitLookupSwitchInsn(dflt, keys, labels); after(true); }
    @Override public void visitMultiANewArrayInsn(String d, int dims) { before(); super.visitMultiANewArrayInsn(d, dims); after(false); }
}
