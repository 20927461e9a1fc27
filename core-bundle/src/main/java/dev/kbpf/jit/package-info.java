/**
 * The JIT: compiles an {@link dev.kbpf.exec.ExecutableProgram} to JVM bytecode with ASM, one
 * hidden class per program, and runs it behind the same {@link dev.kbpf.exec.Executor} contract
 * as the interpreter, bit for bit. Entry point: {@link dev.kbpf.jit.Jit}.
 *
 * <p>How a program becomes bytecode: {@link dev.kbpf.jit.ControlFlow} finds instructions, basic
 * blocks and subprograms; {@link dev.kbpf.jit.ProgramCompiler} groups each subprogram's blocks
 * into methods small enough for HotSpot's C2 and emits them; {@link dev.kbpf.jit.JitRuntime}
 * is the per-program object the generated code calls for faults and dynamic calls.
 */
package dev.kbpf.jit;
