/**
 * The JIT: compiles an {@link dev.kbpf.exec.ExecutableProgram} to JVM bytecode with ASM, one
 * hidden class per program, and runs it behind the same {@link dev.kbpf.exec.Executor} contract
 * as the interpreter, bit for bit. Entry point: {@link dev.kbpf.jit.Jit}.
 *
 * <h2>How a program becomes bytecode</h2>
 * <ul>
 * <li>{@link dev.kbpf.jit.ControlFlow} numbers instructions as the interpreter counts them, cuts
 *     them into basic blocks (at most 48 instructions each) and finds the subprograms.</li>
 * <li>{@link dev.kbpf.jit.ProgramCompiler} packs each subprogram's blocks, in program order, into
 *     <em>region</em> methods of at most about 6,500 bytes of bytecode (under HotSpot's 8,000-byte
 *     {@code HugeMethodLimit}: a larger method is never compiled by C2), plus one dispatcher
 *     method per subprogram that moves between regions. Registers are {@code long} locals inside
 *     a region; a {@code long[]} state array carries them between regions and subprograms.</li>
 * <li>Operations are inlined or {@code invokestatic}s to {@link dev.kbpf.exec.InsnSemantics}, the
 *     interpreter's own definitions. Memory through {@code r10} at a constant in-frame offset,
 *     and what the verifier marked {@code PTR_TO_STACK}, goes straight to the stack array
 *     ({@link dev.kbpf.jit.JitMemory}); every other load and store goes through a per-site cache
 *     of the region it last used (one compare on a hit), falling back to the address space's
 *     exact check, so faults are the interpreter's. Atomics are VarHandle atomics.</li>
 * <li>Helpers and kfuncs are bound when compiling, held in static final fields filled from the
 *     hidden class's class data, so C2 treats them as constants and can inline them.</li>
 * <li>The instruction budget is exact, as the interpreter's: charged per block on entry (a fault
 *     inside a block gives back the instructions after it, {@link dev.kbpf.jit.JitRuntime}); a
 *     block the budget cannot cover is stepped one instruction at a time by
 *     {@code JitRuntime.finishBlock}. Counts, fault slots and messages equal the interpreter's.</li>
 * <li>{@link dev.kbpf.jit.JitExecutor#invoke} enters any subprogram (the program, a local-call
 *     target, a callback named by {@code lddw} pseudo func) in any frame, for
 *     {@code ExecutionContext.callback}; helpers see {@code enterCall} before and
 *     {@code takeTailCall} after each call, as the executor contract says.</li>
 * <li>Frames for the JVM verifier are written directly ({@link dev.kbpf.jit.Framer}): every jump
 *     target has the same locals, so ASM's frame computation (and its class loading, TOOLCHAIN
 *     pitfall 8) is not needed.</li>
 * </ul>
 * A program the JVM still refuses (a method over 64 KB, say) runs in the interpreter, with a
 * warning ({@link dev.kbpf.jit.Jit#compile}).
 */
package dev.kbpf.jit;
