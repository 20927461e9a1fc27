package dev.kbpf.jit;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A method visitor that only adds up how many bytes of bytecode it is shown (an upper estimate:
 * every {@code ldc} counted wide). The compiler runs each block through it to pack blocks into
 * methods under HotSpot's 8,000-byte {@code HugeMethodLimit}.
 */
class CodeSize extends MethodVisitor {
    private int bytes;

    CodeSize() { super(Opcodes.ASM9); }

    int bytes() { return bytes; }

    void reset() { bytes = 0; }

    @Override public void visitInsn(int opcode) { bytes += 1; }
    @Override public void visitIntInsn(int opcode, int operand) { bytes += opcode == Opcodes.SIPUSH ? 3 : 2; }
    @Override public void visitVarInsn(int opcode, int var) { bytes += var < 4 ? 1 : var < 256 ? 2 : 4; }
    @Override public void visitTypeInsn(int opcode, String type) { bytes += 3; }
    @Override public void visitFieldInsn(int opcode, String owner, String name, String descriptor) { bytes += 3; }
    @Override public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        bytes += opcode == Opcodes.INVOKEINTERFACE ? 5 : 3;
    }
    @Override public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... args) { bytes += 5; }
    @Override public void visitJumpInsn(int opcode, Label label) { bytes += 3; }
    @Override public void visitLdcInsn(Object value) { bytes += 3; }
    @Override public void visitIincInsn(int var, int increment) { bytes += var < 256 && increment == (byte) increment ? 3 : 6; }
    @Override public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) { bytes += 16 + 4 * labels.length; }
    @Override public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) { bytes += 12 + 8 * keys.length; }
    @Override public void visitMultiANewArrayInsn(String descriptor, int numDimensions) { bytes += 4; }
}
