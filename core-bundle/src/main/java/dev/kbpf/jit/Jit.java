package dev.kbpf.jit;

import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.Executor;
import dev.kbpf.exec.ExecutorFactory;
import dev.kbpf.exec.InvalidProgramException;
import dev.kbpf.interp.Interpreter;
import java.lang.invoke.MethodHandles;

/**
 * The JIT's entry point: {@link #compile} turns a program into a {@link JitExecutor}, or — when
 * the program cannot be compiled (a JVM limit the splitting could not avoid) — into the
 * interpreter, with a warning in the log. Either way the caller gets an {@link Executor} that
 * behaves the same; {@code executor instanceof JitExecutor} says which one it is.
 */
public final class Jit {
    private Jit() {}

    private static final System.Logger LOG = System.getLogger("dev.kbpf.jit");

    /** JIT-compiles every program, falling back to the interpreter when it must. */
    public static final ExecutorFactory FACTORY = Jit::compile;

    /**
     * The factory for newly loaded programs as {@code net.core.bpf_jit_enable} says: the JIT when
     * enabled, the interpreter otherwise.
     */
    public static ExecutorFactory factory(boolean jitEnabled) {
        return jitEnabled ? FACTORY : Interpreter.FACTORY;
    }

    /** Compiled or, failing that, interpreted (with a warning). Malformed programs throw as the interpreter does. */
    public static Executor compile(ExecutableProgram program) throws InvalidProgramException {
        return compile(program, ProgramCompiler.REGION_BYTES);
    }

    /** {@link #compile} with another region size (tests force the fallback with a huge one). */
    static Executor compile(ExecutableProgram program, int regionBytes) {
        Interpreter checked = new Interpreter(program);   // the same validation, and the fallback
        try {
            return compileOnly(program, regionBytes, ProgramCompiler.Loops.VERSIONED);
        } catch (JitException e) {
            LOG.log(System.Logger.Level.WARNING, "kbpf JIT: " + e.getMessage() + "; the program runs in the interpreter instead");
            return checked;
        }
    }

    /**
     * Compiles {@code program} or throws: {@link InvalidProgramException} for a malformed program,
     * {@link JitException} when the JVM refuses the generated code.
     */
    public static JitExecutor compileStrict(ExecutableProgram program) throws InvalidProgramException, JitException {
        new Interpreter(program);   // validates exactly as the interpreter does
        return compileOnly(program, ProgramCompiler.REGION_BYTES, ProgramCompiler.Loops.VERSIONED);
    }

    /**
     * As {@link #compileStrict}, with counted loops compiled as {@code loops} says (tests compare the
     * fast copies with the checked code, and count how often the fast copies ran).
     */
    static JitExecutor compileStrict(ExecutableProgram program, ProgramCompiler.Loops loops) {
        new Interpreter(program);
        return compileOnly(program, ProgramCompiler.REGION_BYTES, loops);
    }

    private static JitExecutor compileOnly(ExecutableProgram program, int regionBytes, ProgramCompiler.Loops loops) {
        long start = System.nanoTime();
        ProgramCompiler.Output out;
        CompiledCode code;
        ControlFlow flow;
        JitRuntime rt;
        try {
            flow = new ControlFlow(program.insns());
            rt = new JitRuntime(program, flow);
            out = new ProgramCompiler(program, flow, rt, regionBytes, loops).compile();
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(out.classBytes(), out.classData(), true);
            code = (CompiledCode) lookup.lookupClass().getDeclaredConstructor().newInstance();
        } catch (RuntimeException | LinkageError e) {
            throw new JitException("could not compile a program of " + program.insns().size() + " instruction slots: " + e, e);
        } catch (Throwable e) {
            throw new JitException("could not instantiate the compiled program: " + e, e);
        }
        long nanos = System.nanoTime() - start;
        JitExecutor executor = new JitExecutor(program, flow, code, out.classBytes(), nanos, out.regions(), out.largestRegionEstimate(),
                out.versionedLoops());
        rt.bind(executor);
        return executor;
    }
}
