package dev.kbpf.exec;

/**
 * Makes an executor for a program: the interpreter's or the JIT's. Tests take one of these, so
 * one corpus runs against both engines.
 */
@FunctionalInterface
public interface ExecutorFactory {

    /** Prepares {@code program} for running (pre-decoding or compiling it). */
    Executor create(ExecutableProgram program) throws InvalidProgramException;
}
