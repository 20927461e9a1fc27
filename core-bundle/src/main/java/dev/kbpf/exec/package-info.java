/**
 * The executor contract shared by the interpreter and the JIT: {@link dev.kbpf.exec.Executor}
 * and its factory, the per-thread {@link dev.kbpf.exec.ExecutionContext}, the helper and kfunc
 * tables, the fault an execution ends with, and {@link dev.kbpf.exec.InsnSemantics}, the one
 * definition of every ALU, byte-swap and jump operation that both executors call.
 */
package dev.kbpf.exec;
