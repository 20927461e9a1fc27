package dev.kbpf.jit;

/**
 * The JIT could not turn a well-formed program into loadable bytecode (for example a method
 * over the JVM's 64 KB limit, or a class the JVM rejects). {@link Jit#compile} answers it by
 * running the program in the interpreter.
 */
public final class JitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JitException(String message, Throwable cause) { super(message, cause); }
}
