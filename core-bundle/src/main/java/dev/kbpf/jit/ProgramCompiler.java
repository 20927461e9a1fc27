package dev.kbpf.jit;

import static org.objectweb.asm.Opcodes.*;

import dev.kbpf.exec.AccessHints;
import dev.kbpf.exec.ExecutableProgram;
import dev.kbpf.exec.ExecutionContext;
import dev.kbpf.exec.PointerKind;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.spi.HelperFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits the bytecode of one program: a class with one dispatcher method per subprogram
 * ({@code f<entry>}) and one method per region of blocks ({@code r<n>}), each region kept under
 * HotSpot's 8,000-byte {@code HugeMethodLimit} so C2 compiles it.
 *
 * <p>Inside a region BPF registers are {@code long} locals and control flow is plain jumps. A
 * region is entered with the registers in the state array and the block to start at; it leaves by
 * storing them back and returning the next block (another region's) or -1 (exit). A local call is
 * a static call of the callee's dispatcher with one frame more; r6-r10 stay in the caller's
 * locals, r0-r5 come back through the state array — exactly what the interpreter's frame
 * switching does.
 *
 * <p>Each block subtracts its length from the budget on entry; a budget that cannot cover the block
 * sends it to {@link JitRuntime#finishBlock}, which steps through it and faults exactly where the
 * interpreter does (no second copy of the code). Operations come inline or as {@code invokestatic} to {@link dev.kbpf.exec.InsnSemantics}.
 * Memory instructions based on {@code r10} with a constant in-frame offset, and those the verifier
 * marked {@link PointerKind#STACK}, go straight to the stack array; the rest go through the
 * context's {@link dev.kbpf.memory.AddressSpace}, which checks them. Helpers and kfuncs are
 * class-data constants, so C2 can inline them.
 */
final class ProgramCompiler {
    static final String CLASS_NAME = "dev/kbpf/jit/BpfProgram";
    /** Estimated bytes of block code per region method (the rest of the 8,000 is prologue, switch, handler). */
    static final int REGION_BYTES = 6500;

    private static final String CTX = "dev/kbpf/exec/ExecutionContext";
    private static final String CTX_D = "L" + CTX + ";";
    private static final String MEM = "dev/kbpf/memory/AddressSpace";
    private static final String SEM = "dev/kbpf/exec/InsnSemantics";
    private static final String RT = "dev/kbpf/jit/JitRuntime";
    private static final String RT_D = "L" + RT + ";";
    private static final String JM = "dev/kbpf/jit/JitMemory";
    private static final String FN_D = "Ldev/kbpf/spi/HelperFunction;";
    private static final String FAULT = "dev/kbpf/exec/ExecutionFault";
    private static final String GUARD = "dev/kbpf/jit/LoopGuard";
    private static final String REGION_DESC = "(" + CTX_D + "[JII)I";
    private static final String FUNC_DESC = "(" + CTX_D + "[JI)V";
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles", "classDataAt",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);
    private static final long LOW32 = 0xffffffffL;

    // local variable slots of a region method
    private static final int L_CTX = 0, L_ST = 1, L_ENTRY = 2, L_DEPTH = 3, L_MEM = 4, L_STACK = 5, L_FP = 6, L_PC = 7,
            L_R0 = 8, L_LEFT = 30, L_EXC = 32, L_ADDR = 33, L_REGION = 35, L_TAIL = 36, L_EXC_OUT = 37,
            L_CTX_OFF = 38, L_CTX_BYTES = 40, L_CTX_BASE = 41, L_CTX_SIZE = 42, L_SITES = 44;
    /** The address of the context's first byte (region {@link dev.kbpf.memory.AddressSpace#CONTEXT_ID}). */
    private static final long CTX_LOW = dev.kbpf.memory.Address.of(dev.kbpf.memory.AddressSpace.CONTEXT_ID, 0);
    /** Locals of one memory site's region cache: low address ^ MIN (long), span ^ MIN (long), bytes, base. */
    private static final int SITE_SLOTS = 6;
    private static final String REGION = "dev/kbpf/memory/Region";
    private static final String EXECUTOR = "dev/kbpf/exec/Executor";

    private final ExecutableProgram program;
    private final ControlFlow flow;
    private final AccessHints hints;
    private final List<Object> classData = new ArrayList<>();
    private final Map<Long, Integer> functionConstants = new HashMap<>();
    private final HelperFunction[] helpers;
    private final HelperFunction[] kfuncs;
    private int regionCount;
    private int largestMethod;
    private int versionedLoops;

    /** What came out: the class file, the class data it expects, and how it was cut up. */
    record Output(byte[] classBytes, List<Object> classData, int regions, int largestRegionEstimate, int versionedLoops) {}

    private final int regionBytes;
    /** What counted loops get ({@link CountedLoop}): nothing more, a guarded fast copy, or one whose entries tests can count. */
    enum Loops { CHECKED_ONLY, VERSIONED, VERSIONED_AND_COUNTED }

    private final boolean loopVersioning;
    private final boolean countFastEntries;

    ProgramCompiler(ExecutableProgram program, ControlFlow flow, JitRuntime rt) { this(program, flow, rt, REGION_BYTES, Loops.VERSIONED); }

    /** With another region size (tests use a huge one to force a method past the JVM's 64 KB limit), and loop versioning or not. */
    ProgramCompiler(ExecutableProgram program, ControlFlow flow, JitRuntime rt, int regionBytes, Loops loops) {
        this.regionBytes = regionBytes;
        this.loopVersioning = loops != Loops.CHECKED_ONLY;
        this.countFastEntries = loops == Loops.VERSIONED_AND_COUNTED;
        this.program = program;
        this.flow = flow;
        this.hints = program.hints();
        this.helpers = program.helpers().toArray();
        this.kfuncs = program.kfuncs().toArray();
        classData.add(rt);
    }

    Output compile() {
        // frames are written by Framer, not computed (so ASM never needs to load classes: pitfall 8 does not arise)
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS) {
            @Override protected ClassLoader getClassLoader() { return ProgramCompiler.class.getClassLoader(); }
        };
        cw.visit(V17, ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, CLASS_NAME, null, "java/lang/Object",
                new String[] {"dev/kbpf/jit/CompiledCode"});
        cw.visitSource("bpf", null);
        emitConstructorAndRun(cw);
        for (ControlFlow.Subprogram sp : flow.subprograms) compileSubprogram(cw, sp);
        emitConstants(cw);
        cw.visitEnd();
        return new Output(cw.toByteArray(), List.copyOf(classData), regionCount, largestMethod, versionedLoops);
    }

    private void emitConstructorAndRun(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        // run(ctx, state, entry, frame): the subprogram starting at instruction entry
        Framer run = new Framer(cw.visitMethod(ACC_PUBLIC, "run", "(" + CTX_D + "[JII)V", null, null),
                new Object[] {CLASS_NAME, CTX, "[J", INTEGER, INTEGER});
        run.visitCode();
        int n = flow.subprograms.size();
        int[] keys = new int[n];
        Label[] labels = new Label[n];
        for (int k = 0; k < n; k++) {
            keys[k] = flow.subprograms.get(k).entry();
            labels[k] = new Label();
        }
        Label none = new Label();
        run.visitVarInsn(ILOAD, 3);
        run.visitLookupSwitchInsn(none, keys, labels);
        for (int k = 0; k < n; k++) {
            run.target(labels[k]);
            run.visitVarInsn(ALOAD, 1);
            run.visitVarInsn(ALOAD, 2);
            run.visitVarInsn(ILOAD, 4);
            run.visitMethodInsn(INVOKESTATIC, CLASS_NAME, "f" + keys[k], FUNC_DESC, false);
            run.visitInsn(RETURN);
        }
        run.target(none);
        run.visitTypeInsn(NEW, "java/lang/IllegalArgumentException");
        run.visitInsn(DUP);
        run.visitLdcInsn("no subprogram starts at that instruction");
        run.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
        run.visitInsn(ATHROW);
        run.visitMaxs(0, 0);
        run.visitEnd();
    }

    // ------------------------------------------------------------------ regions and dispatch

    private void compileSubprogram(ClassWriter cw, ControlFlow.Subprogram sp) {
        // pack blocks, in program order, into regions of bounded size
        // a versioned loop goes whole into one region, with room for its fast copy and guard
        Map<Integer, CountedLoop> loopAt = new HashMap<>();
        if (loopVersioning) for (CountedLoop loop : CountedLoop.find(flow, sp.blocks())) loopAt.put(loop.header, loop);
        List<int[]> regions = new ArrayList<>();
        CodeSize counter = new CodeSize();
        List<Integer> current = new ArrayList<>();
        int used = 0;
        int[] blocks = sp.blocks();
        for (int k = 0; k < blocks.length; k++) {
            int b = blocks[k];
            CountedLoop loop = loopAt.get(b);
            int chainEnd = k + 1;
            int size = blockSize(counter, b);
            if (loop != null) {
                while (chainEnd < blocks.length && blocks[chainEnd] < loop.end) size += blockSize(counter, blocks[chainEnd++]);
                size = 2 * size + 96 + 64 * loop.sites.size();
                if (size > regionBytes) {   // too big to double: the checked copy alone
                    loopAt.remove(b);
                    chainEnd = k + 1;
                    size = blockSize(counter, b);
                }
            }
            if (!current.isEmpty() && used + size > regionBytes) {
                regions.add(current.stream().mapToInt(Integer::intValue).toArray());
                current = new ArrayList<>();
                used = 0;
            }
            for (int c = k; c < chainEnd; c++) current.add(blocks[c]);
            k = chainEnd - 1;
            used += size;
            largestMethod = Math.max(largestMethod, used);
        }
        regions.add(current.stream().mapToInt(Integer::intValue).toArray());
        versionedLoops += loopAt.size();

        Map<Integer, Integer> regionOf = new HashMap<>();
        for (int k = 0; k < regions.size(); k++) for (int b : regions.get(k)) regionOf.put(b, k);
        List<TreeSet<Integer>> entries = new ArrayList<>();
        for (int k = 0; k < regions.size(); k++) entries.add(new TreeSet<>());
        entries.get(regionOf.get(sp.entry())).add(sp.entry());
        for (int k = 0; k < regions.size(); k++) {
            for (int b : regions.get(k)) {
                for (int s : flow.successors(b)) {
                    int rs = regionOf.get(s);
                    if (rs != k) entries.get(rs).add(s);
                }
            }
        }
        int first = regionCount;
        for (int k = 0; k < regions.size(); k++) {
            emitRegion(cw, "r" + (first + k), regions.get(k), entries.get(k), regionOf, k, loopAt);
        }
        regionCount += regions.size();
        emitDispatcher(cw, sp, first, entries);
    }

    /** Estimated bytecode of block {@code b} with its share of a method's out-of-line and shared paths. */
    private int blockSize(CodeSize counter, int b) {
        counter.reset();
        BlockEmitter e = new BlockEmitter(counter, (from, t) -> new Label());
        e.fast(b);
        e.outOfLine();
        e.sharedPaths();
        return counter.bytes() + 2 * 64 + 12 * cachedSites(b);   // two region-leaving stubs, cache set-up
    }

    private void emitDispatcher(ClassWriter cw, ControlFlow.Subprogram sp, int first, List<TreeSet<Integer>> entries) {
        Framer mv = new Framer(cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "f" + sp.entry(), FUNC_DESC, null, null),
                new Object[] {CTX, "[J", INTEGER, INTEGER});
        mv.visitCode();
        if (entries.size() == 1) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            iconst(mv, sp.entry());
            mv.visitVarInsn(ILOAD, 2);
            mv.visitMethodInsn(INVOKESTATIC, CLASS_NAME, "r" + first, REGION_DESC, false);
            mv.visitInsn(POP);
            mv.visitInsn(RETURN);
        } else {
            // b = entry; while (b >= 0) b = region_of(b)(ctx, state, b, depth);
            iconst(mv, sp.entry());
            mv.visitVarInsn(ISTORE, 3);
            Label loop = new Label();
            Label done = new Label();
            mv.target(loop);
            TreeSet<Integer> keys = new TreeSet<>();
            Map<Integer, Label> labelOfKey = new LinkedHashMap<>();
            Label[] regionLabels = new Label[entries.size()];
            for (int k = 0; k < entries.size(); k++) {
                regionLabels[k] = new Label();
                for (int e : entries.get(k)) {
                    keys.add(e);
                    labelOfKey.put(e, regionLabels[k]);
                }
            }
            int[] keyArray = keys.stream().mapToInt(Integer::intValue).toArray();
            Label[] targets = new Label[keyArray.length];
            for (int j = 0; j < keyArray.length; j++) targets[j] = labelOfKey.get(keyArray[j]);
            mv.visitVarInsn(ILOAD, 3);
            mv.visitLookupSwitchInsn(done, keyArray, targets);
            for (int k = 0; k < entries.size(); k++) {
                mv.target(regionLabels[k]);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ALOAD, 1);
                mv.visitVarInsn(ILOAD, 3);
                mv.visitVarInsn(ILOAD, 2);
                mv.visitMethodInsn(INVOKESTATIC, CLASS_NAME, "r" + (first + k), REGION_DESC, false);
                mv.visitVarInsn(ISTORE, 3);
                mv.visitJumpInsn(GOTO, loop);
            }
            mv.target(done);
            mv.visitInsn(RETURN);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void emitRegion(ClassWriter cw, String name, int[] blocks, TreeSet<Integer> entries, Map<Integer, Integer> regionOf, int k,
                            Map<Integer, CountedLoop> loopAt) {
        List<CountedLoop> loops = new ArrayList<>();
        for (int b : blocks) if (loopAt.containsKey(b)) loops.add(loopAt.get(b));
        int sites = 0;
        for (int b : blocks) sites += cachedSites(b);
        for (CountedLoop loop : loops) sites += cachedSitesInFastCopy(loop);
        List<Object> locals = new ArrayList<>(List.of(CTX, "[J", INTEGER, INTEGER, MEM, "[B", INTEGER, INTEGER));
        for (int r = 0; r <= 11; r++) locals.add(LONG);   // r0-r10, left
        locals.addAll(List.of(TOP, LONG, REGION, EXECUTOR, "java/lang/RuntimeException"));   // exception, address, region, tail target, stepper result
        locals.addAll(List.of(LONG, "[B", INTEGER, LONG));   // the context: an offset, its array, base and size
        for (int site = 0; site < sites; site++) locals.addAll(List.of(LONG, LONG, "[B", INTEGER));
        // versioned loops: the trip count, then each loop's low half of its induction variable and each guarded access's array and index
        int trips = L_SITES + SITE_SLOTS * sites;
        locals.add(LONG);
        int nextLocal = trips + 2;
        Map<CountedLoop, LoopLocals> loopLocals = new LinkedHashMap<>();
        for (CountedLoop loop : loops) {
            int ivLow = nextLocal++;
            locals.add(INTEGER);
            Map<Integer, int[]> siteLocals = new LinkedHashMap<>();
            for (CountedLoop.Site site : fastSites(loop)) {
                siteLocals.put(site.insn(), new int[] {nextLocal, nextLocal + 1});
                nextLocal += 2;
                locals.addAll(List.of("[B", INTEGER));
            }
            loopLocals.put(loop, new LoopLocals(ivLow, siteLocals, new Label(), new HashMap<>()));
        }
        Framer mv = new Framer(cw.visitMethod(ACC_STATIC | ACC_PRIVATE, name, REGION_DESC, null, null), locals.toArray());
        mv.visitCode();
        Label tryStart = new Label();
        Label tryEnd = new Label();
        Label handler = new Label();
        mv.visitTryCatchBlock(tryStart, tryEnd, handler, "java/lang/RuntimeException");

        // prologue: memory, stack, frame base, registers and budget out of the state array
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "memory", "()L" + MEM + ";", false);
        mv.visitVarInsn(ASTORE, L_MEM);
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "stack", "()[B", false);
        mv.visitVarInsn(ASTORE, L_STACK);
        mv.visitVarInsn(ILOAD, L_DEPTH);
        iconst(mv, ExecutionContext.STACK_SIZE);
        mv.visitInsn(IMUL);
        mv.visitVarInsn(ISTORE, L_FP);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, L_PC);
        for (int r = 0; r <= 10; r++) {
            mv.visitVarInsn(ALOAD, L_ST);
            iconst(mv, r);
            mv.visitInsn(LALOAD);
            mv.visitVarInsn(LSTORE, L_R0 + 2 * r);
        }
        mv.visitVarInsn(ALOAD, L_ST);
        iconst(mv, JitRuntime.LEFT);
        mv.visitInsn(LALOAD);
        mv.visitVarInsn(LSTORE, L_LEFT);
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, L_ADDR);
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ASTORE, L_REGION);
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ASTORE, L_TAIL);
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ASTORE, L_EXC_OUT);
        for (int site = 0; site < sites; site++) {   // every cache starts empty: span 0 matches nothing
            int at = L_SITES + SITE_SLOTS * site;
            mv.visitInsn(LCONST_0);
            mv.visitVarInsn(LSTORE, at);
            lconst(mv, Long.MIN_VALUE);
            mv.visitVarInsn(LSTORE, at + 2);
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, at + 4);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, at + 5);
        }
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, trips);
        // the context, once per call of the method, when the verifier proved some load to read it
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, L_CTX_OFF);
        if (readsContext(blocks)) {
            mv.visitVarInsn(ALOAD, L_MEM);
            mv.visitMethodInsn(INVOKESTATIC, JM, "context", "(L" + MEM + ";)L" + REGION + ";", false);
            mv.visitVarInsn(ASTORE, L_REGION);
            mv.visitVarInsn(ALOAD, L_REGION);
            mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "bytes", "()[B", false);
            mv.visitVarInsn(ASTORE, L_CTX_BYTES);
            mv.visitVarInsn(ALOAD, L_REGION);
            mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "base", "()I", false);
            mv.visitVarInsn(ISTORE, L_CTX_BASE);
            mv.visitVarInsn(ALOAD, L_REGION);
            mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "size", "()I", false);
            mv.visitInsn(I2L);
            mv.visitVarInsn(LSTORE, L_CTX_SIZE);
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, L_REGION);
        } else {
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, L_CTX_BYTES);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, L_CTX_BASE);
            mv.visitInsn(LCONST_0);
            mv.visitVarInsn(LSTORE, L_CTX_SIZE);
        }
        for (LoopLocals l : loopLocals.values()) {
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, l.ivLow());
            for (int[] site : l.sites().values()) {
                mv.visitInsn(ACONST_NULL);
                mv.visitVarInsn(ASTORE, site[0]);
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, site[1]);
            }
        }
        mv.visitLabel(tryStart);

        Map<Integer, Label> fastLabels = new HashMap<>();
        for (int b : blocks) fastLabels.put(b, new Label());
        Map<Integer, Label> stubs = new LinkedHashMap<>();
        Map<Integer, CountedLoop> loopOf = new HashMap<>();
        for (CountedLoop loop : loops) loopOf.put(loop.header, loop);
        Edges edges = (from, t) -> {
            CountedLoop loop = loopOf.get(t);
            if (loop != null && !loop.contains(from)) return loopLocals.get(loop).guard();   // entering the loop: try its fast copy
            Integer rt = regionOf.get(t);
            if (rt != null && rt == k) return fastLabels.get(t);
            return stubs.computeIfAbsent(t, x -> new Label());
        };

        int[] keys = entries.stream().mapToInt(Integer::intValue).toArray();
        Label[] targets = new Label[keys.length];
        for (int j = 0; j < keys.length; j++) targets[j] = edges.to(-1, keys[j]);
        mv.visitVarInsn(ILOAD, L_ENTRY);
        mv.visitLookupSwitchInsn(targets[0], keys, targets);

        BlockEmitter e = new BlockEmitter(mv, edges);
        for (int b : blocks) {
            mv.target(fastLabels.get(b));
            e.fast(b);
        }
        for (CountedLoop loop : loops) {
            LoopLocals l = loopLocals.get(loop);
            for (int b : blocks) if (loop.contains(b)) l.copy().put(b, new Label());
            e.guard(loop, l, trips, fastLabels.get(loop.header));
            e.enterFastCopy(loop, l, (from, t) -> loop.contains(t) ? l.copy().get(t) : edges.to(from, t));
            for (int b : blocks) {
                if (!loop.contains(b)) continue;
                mv.target(l.copy().get(b));
                e.fast(b);
            }
            e.leaveFastCopy(edges);
        }
        e.outOfLine();
        e.sharedPaths();
        for (Map.Entry<Integer, Label> s : stubs.entrySet()) {
            mv.target(s.getValue());
            e.storeState(10);
            iconst(mv, s.getKey());
            mv.visitInsn(IRETURN);
        }
        mv.visitLabel(tryEnd);
        mv.handler(handler, "java/lang/RuntimeException");
        mv.visitVarInsn(ASTORE, L_EXC);
        ldcConstant(mv, 0, RT_D);
        mv.visitVarInsn(ALOAD, L_EXC);
        mv.visitVarInsn(ALOAD, L_ST);
        mv.visitVarInsn(ILOAD, L_PC);
        mv.visitVarInsn(LLOAD, L_LEFT);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "fault", "(Ljava/lang/RuntimeException;[JIJ)Ljava/lang/RuntimeException;", false);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Where a jump from block {@code from} (-1: the region's entry switch) to block {@code target} goes in the method being written. */
    @FunctionalInterface
    private interface Edges {
        Label to(int from, int target);
    }

    /**
     * The locals of one versioned loop in its region method: the low 32 bits of its induction
     * variable (kept beside it, so an array index is one int add C2 can range-check once for the
     * whole loop), and the array and index of each guarded access; the guard's label and the
     * labels of the fast copy's blocks.
     */
    private record LoopLocals(int ivLow, Map<Integer, int[]> sites, Label guard, Map<Integer, Label> copy) {}

    /** The accesses of {@code loop} whose fast copy goes straight to the guarded array (the others keep their usual path). */
    private List<CountedLoop.Site> fastSites(CountedLoop loop) {
        List<CountedLoop.Site> out = new ArrayList<>();
        for (CountedLoop.Site site : loop.sites.values()) {
            Insn in = flow.insns[site.insn()];
            int base = Opcodes.cls(in.opcode()) == Opcodes.LDX ? in.src() : in.dst();
            if (pathOf(site.insn(), in, base, site.size(), false) == Path.CHECKED) out.add(site);
        }
        return out;
    }

    /** Checked accesses the fast copy of {@code loop} still has (each needs its own cache locals). */
    private int cachedSitesInFastCopy(CountedLoop loop) {
        int n = 0;
        for (int b = loop.header; b < loop.end; b = flow.blockEnd[b]) n += cachedSites(b);
        return n - fastSites(loop).size();
    }

    /** Whether a load in {@code blocks} reads the context as the verifier proved (the method then loads the context once). */
    private boolean readsContext(int[] blocks) {
        for (int b : blocks) {
            for (int i = b; i < Math.min(flow.blockEnd[b], flow.count); i++) {
                Insn in = flow.insns[i];
                if (Opcodes.cls(in.opcode()) == Opcodes.LDX && pathOf(i, in, in.src(), Opcodes.sizeBytes(in.opcode()), false) == Path.CTX_HINT) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many loads and stores of block {@code b} take the cached checked path (each gets its own cache locals). */
    private int cachedSites(int b) {
        int n = 0;
        int end = Math.min(flow.blockEnd[b], flow.count);
        for (int i = b; i < end; i++) {
            Insn in = flow.insns[i];
            int cls = Opcodes.cls(in.opcode());
            if (cls == Opcodes.LDX && pathOf(i, in, in.src(), Opcodes.sizeBytes(in.opcode()), false) == Path.CHECKED) n++;
            if ((cls == Opcodes.ST || (cls == Opcodes.STX && Opcodes.mode(in.opcode()) != Opcodes.ATOMIC))
                    && pathOf(i, in, in.dst(), Opcodes.sizeBytes(in.opcode()), false) == Path.CHECKED) n++;
        }
        return n;
    }

    /** How a memory instruction reaches its bytes. */
    private enum Path {
        /** Through {@code r10} at a constant offset inside the frame: the stack array at a constant index. */
        FRAME,
        /** The verifier proved it is the stack: the stack array, index from the address. */
        STACK_HINT,
        /** A load the verifier proved reads the context: the context's array, with one bounds compare. */
        CTX_HINT,
        /** Checked through the site's cache of the last region. */
        CHECKED,
        /** In a loop's fast copy, proved by its guard: the guard's array and index. */
        GUARDED
    }

    private Path pathOf(int i, Insn in, int base, int size, boolean atomic) {
        int index = ExecutionContext.STACK_SIZE + in.off();
        if (base == 10 && index >= 0 && index + size <= ExecutionContext.STACK_SIZE && (!atomic || (in.off() & (size - 1)) == 0)) {
            return Path.FRAME;
        }
        if (!atomic && hints != null) {
            PointerKind kind = hints.pointerKind(flow.slotOf[i]);
            if (kind == PointerKind.STACK) return Path.STACK_HINT;
            if (kind == PointerKind.CTX && Opcodes.cls(in.opcode()) == Opcodes.LDX) return Path.CTX_HINT;
        }
        return Path.CHECKED;
    }

    // ------------------------------------------------------------------ constants

    static void iconst(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v == (byte) v) mv.visitIntInsn(BIPUSH, v);
        else if (v == (short) v) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    private static void lconst(MethodVisitor mv, long v) {
        if (v == 0) mv.visitInsn(LCONST_0);
        else if (v == 1) mv.visitInsn(LCONST_1);
        else mv.visitLdcInsn(v);
    }

    /**
     * Loads element {@code index} of the class data: a static final field, which C2 folds to a
     * constant. (Not a dynamic constant at the use: C1 and C2 refuse to compile a method with an
     * unresolved one, such as one on a path not yet taken.) {@link #emitConstants} defines the
     * fields and fills them from the class data in the static initializer.
     */
    private void ldcConstant(MethodVisitor mv, int index, String descriptor) {
        constantTypes.putIfAbsent(index, descriptor);
        mv.visitFieldInsn(GETSTATIC, CLASS_NAME, "c" + index, descriptor);
    }

    private final Map<Integer, String> constantTypes = new java.util.TreeMap<>();

    private void emitConstants(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        for (Map.Entry<Integer, String> c : constantTypes.entrySet()) {
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, "c" + c.getKey(), c.getValue(), null, null).visitEnd();
            mv.visitLdcInsn(new ConstantDynamic("_", c.getValue(), CLASS_DATA_AT, c.getKey()));
            mv.visitFieldInsn(PUTSTATIC, CLASS_NAME, "c" + c.getKey(), c.getValue());
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** The class-data index of a bound helper or kfunc, added on first use. */
    private int functionConstant(int kind, int id, HelperFunction f) {
        return functionConstants.computeIfAbsent(((long) kind << 32) | id, key -> {
            classData.add(f);
            return classData.size() - 1;
        });
    }

    // ------------------------------------------------------------------ blocks and instructions

    /** Emits blocks into one method; {@code edge} gives the label to jump to for a block. */
    private final class BlockEmitter {
        private final MethodVisitor mv;
        private Edges edge;
        /** While writing a loop's fast copy: the loop and its locals; null for checked code. */
        private CountedLoop loop;
        private LoopLocals loopLocals;
        private final Label exitPath = new Label();
        private final Label exitStored = new Label();
        private final Label shortOfBudget = new Label();
        private final Label budgetSpent = new Label();

        BlockEmitter(MethodVisitor mv, Edges edge) {
            this.mv = mv;
            this.edge = edge;
        }

        /** The block as it runs when the budget covers all of it. */
        void fast(int b) {
            int end = Math.min(flow.blockEnd[b], flow.count + 1);
            int n = end - b;
            // charge the whole block now (a fault inside it gives back the rest: JitRuntime.fault);
            // a budget that cannot cover it goes to JitRuntime.finishBlock, one instruction at a time.
            // A loop's fast copy only counts: its guard made sure the budget covers the whole loop.
            pc(b);
            if (loop == null) {
                mv.visitVarInsn(LLOAD, L_LEFT);
                lconst(mv, n);
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFLT, shortOfBudget);
            }
            mv.visitVarInsn(LLOAD, L_LEFT);
            lconst(mv, n);
            mv.visitInsn(LSUB);
            mv.visitVarInsn(LSTORE, L_LEFT);
            if (b == flow.count) {   // the sentinel: fell off the end
                line(b);
                pc(b);
                ldcConstant(mv, 0, RT_D);
                iconst(mv, b);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "fellOff", "(I)L" + FAULT + ";", false);
                mv.visitInsn(ATHROW);
                return;
            }
            for (int i = b; i < end - 1; i++) {
                line(i);
                straight(i);
            }
            int last = end - 1;
            line(last);
            Insn in = flow.insns[last];
            if (ControlFlow.isExit(in)) {
                mv.visitJumpInsn(GOTO, exitPath);
            } else if (ControlFlow.isJump(in)) {
                Label to = edge.to(b, flow.target[last]);
                if (ControlFlow.isUnconditional(in)) {
                    mv.visitJumpInsn(GOTO, to);
                } else {
                    // the fast copy's exit test compares signed: its guard admitted only non-negative values
                    condition(in, to, false, loop != null && last == loop.test);
                    mv.visitJumpInsn(GOTO, edge.to(b, end));
                }
            } else if (ControlFlow.isLocalCall(in)) {
                localCall(last);
                mv.visitJumpInsn(GOTO, edge.to(b, end));
            } else {
                straight(last);
                mv.visitJumpInsn(GOTO, edge.to(b, end));
            }
        }

        /**
         * The paths every block of a method shares: {@code exit} (r0-r5 and the count to the
         * state array, -1 to the dispatcher); a block the budget cannot cover (its first
         * instruction in {@code pc}), stepped by {@link JitRuntime#finishBlock} to the interpreter's
         * fault — or, after a tail call, to this frame's exit; and the budget fault (at the
         * instruction in {@code pc}).
         */
        void sharedPaths() {
            target(exitPath);
            storeState(5);
            target(exitStored);
            mv.visitInsn(ICONST_M1);
            mv.visitInsn(IRETURN);
            target(shortOfBudget);
            storeState(10);
            ldcConstant(mv, 0, RT_D);
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitVarInsn(ALOAD, L_ST);
            mv.visitVarInsn(ILOAD, L_PC);
            mv.visitVarInsn(ILOAD, L_DEPTH);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, "finishBlock", "(" + CTX_D + "[JII)Ljava/lang/RuntimeException;", false);
            mv.visitVarInsn(ASTORE, L_EXC_OUT);
            mv.visitVarInsn(ALOAD, L_EXC_OUT);
            mv.visitJumpInsn(IFNULL, exitStored);
            mv.visitVarInsn(ALOAD, L_EXC_OUT);
            mv.visitInsn(ATHROW);
            target(budgetSpent);
            ldcConstant(mv, 0, RT_D);
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitVarInsn(ILOAD, L_PC);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, "budgetSpent", "(" + CTX_D + "I)L" + FAULT + ";", false);
            mv.visitInsn(ATHROW);
        }

        /**
         * The guard of a versioned loop, where every jump into the loop from outside arrives: asks
         * {@link LoopGuard} for the number of trips and the region of every guarded access; any
         * "no" goes to the checked copy ({@code checkedHeader}), a full "yes" into the fast copy.
         */
        void guard(CountedLoop l, LoopLocals locals, int trips, Label checkedHeader) {
            target(locals.guard());
            load(l.iv);
            lconst(mv, l.testShift());
            mv.visitInsn(LADD);
            if (l.limitReg >= 0) load(l.limitReg);
            else lconst(mv, l.limitImm);
            lconst(mv, l.step);
            iconst(mv, l.bound.ordinal());
            mv.visitVarInsn(LLOAD, L_LEFT);
            iconst(mv, l.lengthToTest());
            iconst(mv, l.lengthAfterTest());
            mv.visitMethodInsn(INVOKESTATIC, GUARD, "trips", "(JJJIJII)J", false);
            mv.visitVarInsn(LSTORE, trips);
            mv.visitVarInsn(LLOAD, trips);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLT, checkedHeader);
            for (Map.Entry<Integer, int[]> e : locals.sites().entrySet()) {
                CountedLoop.Site site = l.sites.get(e.getKey());
                int off = flow.insns[site.insn()].off();
                mv.visitVarInsn(ALOAD, L_MEM);
                load(site.base());
                lconst(mv, site.shift());
                lconst(mv, site.onIv() ? l.step : 0);
                mv.visitVarInsn(LLOAD, trips);
                iconst(mv, site.inLastTrip() ? 1 : 0);
                iconst(mv, site.size());
                iconst(mv, site.write() ? 1 : 0);
                mv.visitMethodInsn(INVOKESTATIC, GUARD, "region", "(L" + MEM + ";JJJJZIZ)L" + REGION + ";", false);
                mv.visitVarInsn(ASTORE, L_REGION);
                mv.visitVarInsn(ALOAD, L_REGION);
                mv.visitJumpInsn(IFNULL, checkedHeader);
                mv.visitVarInsn(ALOAD, L_REGION);
                mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "bytes", "()[B", false);
                mv.visitVarInsn(ASTORE, e.getValue()[0]);
                mv.visitVarInsn(ALOAD, L_REGION);
                if (site.onIv()) {   // index = base + offset + low half of the induction variable at the access
                    mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "base", "()I", false);
                    iconst(mv, off);
                    mv.visitInsn(IADD);
                } else {
                    load(site.base());
                    lconst(mv, off);
                    mv.visitInsn(LADD);
                    mv.visitMethodInsn(INVOKESTATIC, GUARD, "index", "(L" + REGION + ";J)I", false);
                }
                mv.visitVarInsn(ISTORE, e.getValue()[1]);
            }
            load(l.iv);
            mv.visitInsn(L2I);
            mv.visitVarInsn(ISTORE, locals.ivLow());
            if (countFastEntries) mv.visitMethodInsn(INVOKESTATIC, GUARD, "entered", "()V", false);
            mv.visitJumpInsn(GOTO, locals.copy().get(l.header));
        }

        /** From here on, blocks are written as {@code l}'s fast copy, jumping as {@code copyEdges} says. */
        void enterFastCopy(CountedLoop l, LoopLocals locals, Edges copyEdges) {
            loop = l;
            loopLocals = locals;
            edge = copyEdges;
        }

        /** Back to checked code. */
        void leaveFastCopy(Edges edges) {
            loop = null;
            loopLocals = null;
            edge = edges;
        }

        /** A label jumps go to: with its stack map frame when writing a real method. */
        private void target(Label l) {
            if (mv instanceof Framer f) f.target(l);
            else mv.visitLabel(l);
        }

        private void line(int i) {
            Label l = new Label();
            mv.visitLabel(l);
            mv.visitLineNumber(flow.slotOf[i] + 1, l);
        }

        /** Records the instruction a fault would belong to (a constant store: free once compiled). */
        private void pc(int i) {
            iconst(mv, i);
            mv.visitVarInsn(ISTORE, L_PC);
        }

        private void mark(int i) { pc(i); }

        /** Stores r0..r{@code upTo} and the budget into the state array. */
        void storeState(int upTo) {
            for (int r = 0; r <= upTo; r++) {
                mv.visitVarInsn(ALOAD, L_ST);
                iconst(mv, r);
                mv.visitVarInsn(LLOAD, L_R0 + 2 * r);
                mv.visitInsn(LASTORE);
            }
            mv.visitVarInsn(ALOAD, L_ST);
            iconst(mv, JitRuntime.LEFT);
            mv.visitVarInsn(LLOAD, L_LEFT);
            mv.visitInsn(LASTORE);
        }

        private void load(int r) { mv.visitVarInsn(LLOAD, L_R0 + 2 * r); }

        private void store(int r) { mv.visitVarInsn(LSTORE, L_R0 + 2 * r); }

        private void localCall(int i) {
            pc(i);
            Label ok = new Label();
            mv.visitVarInsn(ILOAD, L_DEPTH);
            iconst(mv, ExecutionContext.MAX_FRAMES - 1);
            mv.visitJumpInsn(IF_ICMPLT, ok);
            ldcConstant(mv, 0, RT_D);
            iconst(mv, i);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, "callTooDeep", "(I)L" + FAULT + ";", false);
            mv.visitInsn(ATHROW);
            target(ok);
            storeState(9);
            mv.visitVarInsn(ALOAD, L_ST);
            iconst(mv, 10);
            mv.visitVarInsn(ILOAD, L_DEPTH);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            mv.visitMethodInsn(INVOKESTATIC, CTX, "framePointer", "(I)J", false);
            mv.visitInsn(LASTORE);
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitVarInsn(ALOAD, L_ST);
            mv.visitVarInsn(ILOAD, L_DEPTH);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            mv.visitMethodInsn(INVOKESTATIC, CLASS_NAME, "f" + flow.target[i], FUNC_DESC, false);
            for (int r = 0; r <= 5; r++) {
                mv.visitVarInsn(ALOAD, L_ST);
                iconst(mv, r);
                mv.visitInsn(LALOAD);
                store(r);
            }
            mv.visitVarInsn(ALOAD, L_ST);
            iconst(mv, JitRuntime.LEFT);
            mv.visitInsn(LALOAD);
            mv.visitVarInsn(LSTORE, L_LEFT);
        }

        /** An instruction that does not change control flow. */
        private void straight(int i) {
            Insn in = flow.insns[i];
            int opcode = in.opcode();
            switch (Opcodes.cls(opcode)) {
                case Opcodes.ALU64, Opcodes.ALU -> {
                    alu(in);
                    if (loop != null && i == loop.ivWrite) {   // the induction variable's low half moves with it
                        mv.visitVarInsn(ILOAD, loopLocals.ivLow());
                        iconst(mv, (int) loop.step);
                        mv.visitInsn(IADD);
                        mv.visitVarInsn(ISTORE, loopLocals.ivLow());
                    }
                }
                case Opcodes.LD -> {   // lddw
                    lconst(mv, flow.wide[i]);
                    store(in.dst());
                }
                case Opcodes.LDX -> loadInsn(i, in);
                case Opcodes.ST, Opcodes.STX -> storeInsn(i, in);
                case Opcodes.JMP -> call(i, in);
                default -> throw new IllegalStateException("not a straight-line instruction at " + flow.slotOf[i] + ": " + in);
            }
        }

        // ---------------------------------------------------------------- ALU

        private void alu(Insn in) {
            int opcode = in.opcode();
            boolean is64 = Opcodes.cls(opcode) == Opcodes.ALU64;
            boolean reg = Opcodes.source(opcode) == Opcodes.X;
            int op = Opcodes.aluOp(opcode);
            int d = in.dst();
            int imm = in.imm();
            switch (op) {
                case Opcodes.MOV -> {
                    if (in.off() != 0) {   // movsx
                        load(in.src());
                        mv.visitInsn(L2I);
                        if (in.off() == 8) mv.visitInsn(I2B);
                        else if (in.off() == 16) mv.visitInsn(I2S);
                        mv.visitInsn(I2L);
                        if (!is64) mask32();
                    } else if (reg) {
                        load(in.src());
                        if (!is64) mask32();
                    } else {
                        lconst(mv, is64 ? imm : imm & LOW32);
                    }
                    store(d);
                }
                case Opcodes.NEG -> {
                    load(d);
                    if (is64) {
                        mv.visitInsn(LNEG);
                    } else {
                        mv.visitInsn(L2I);
                        mv.visitInsn(INEG);
                        mv.visitInsn(I2L);
                        mask32();
                    }
                    store(d);
                }
                case Opcodes.END -> {
                    String m;
                    if (is64 || reg) m = "bswap" + imm;        // ALU64 END and ALU TO_BE both swap
                    else m = "le" + imm;
                    if (!m.equals("le64")) {
                        load(d);
                        mv.visitMethodInsn(INVOKESTATIC, SEM, m, "(J)J", false);
                        store(d);
                    }
                }
                case Opcodes.DIV, Opcodes.MOD -> {
                    String m = (in.off() == 1 ? "s" : "") + (op == Opcodes.DIV ? "div" : "mod") + (is64 ? "64" : "32");
                    load(d);
                    if (reg) load(in.src());
                    else lconst(mv, imm);
                    mv.visitMethodInsn(INVOKESTATIC, SEM, m, "(JJ)J", false);
                    store(d);
                }
                case Opcodes.LSH, Opcodes.RSH, Opcodes.ARSH -> {
                    load(d);
                    if (!is64) mv.visitInsn(L2I);
                    if (reg) {
                        load(in.src());
                        mv.visitInsn(L2I);
                    } else {
                        iconst(mv, imm);
                    }
                    int shift = op == Opcodes.LSH ? 0 : op == Opcodes.RSH ? 2 : 1;   // shl, shr, ushr
                    mv.visitInsn(is64 ? new int[] {LSHL, LSHR, LUSHR}[shift] : new int[] {ISHL, ISHR, IUSHR}[shift]);
                    if (!is64) {
                        mv.visitInsn(I2L);
                        mask32();
                    }
                    store(d);
                }
                default -> {   // add, sub, mul, or, and, xor
                    int jop = switch (op) {
                        case Opcodes.ADD -> is64 ? LADD : IADD;
                        case Opcodes.SUB -> is64 ? LSUB : ISUB;
                        case Opcodes.MUL -> is64 ? LMUL : IMUL;
                        case Opcodes.OR -> is64 ? LOR : IOR;
                        case Opcodes.AND -> is64 ? LAND : IAND;
                        case Opcodes.XOR -> is64 ? LXOR : IXOR;
                        default -> throw new IllegalStateException("ALU operation 0x" + Integer.toHexString(op));
                    };
                    load(d);
                    if (is64) {
                        if (reg) load(in.src());
                        else lconst(mv, imm);
                        mv.visitInsn(jop);
                    } else {
                        mv.visitInsn(L2I);
                        if (reg) {
                            load(in.src());
                            mv.visitInsn(L2I);
                        } else {
                            iconst(mv, imm);
                        }
                        mv.visitInsn(jop);
                        mv.visitInsn(I2L);
                        mask32();
                    }
                    store(d);
                }
            }
        }

        private void mask32() {
            mv.visitLdcInsn(LOW32);
            mv.visitInsn(LAND);
        }

        // ---------------------------------------------------------------- jumps

        /**
         * Jumps to {@code taken} when the conditional jump's condition holds; falls through
         * otherwise. {@code signed}: compare as signed even for an unsigned jump (the caller knows
         * both operands are non-negative; C2 turns only a signed compare into a counted loop).
         */
        private void condition(Insn in, Label taken, boolean negate, boolean signed) {
            int opcode = in.opcode();
            boolean is64 = Opcodes.cls(opcode) == Opcodes.JMP;
            boolean reg = Opcodes.source(opcode) == Opcodes.X;
            int op = Opcodes.jmpOp(opcode);
            boolean unsigned = !signed && (op == Opcodes.JGT || op == Opcodes.JGE || op == Opcodes.JLT || op == Opcodes.JLE);
            int imm = in.imm();
            if (is64) {
                load(in.dst());
                if (unsigned) {
                    lconst(mv, Long.MIN_VALUE);
                    mv.visitInsn(LADD);
                }
                if (reg) {
                    load(in.src());
                    if (unsigned) {
                        lconst(mv, Long.MIN_VALUE);
                        mv.visitInsn(LADD);
                    }
                } else {
                    lconst(mv, unsigned ? imm ^ Long.MIN_VALUE : imm);
                }
                if (op == Opcodes.JSET) {
                    mv.visitInsn(LAND);
                    mv.visitInsn(LCONST_0);
                }
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(negated(negate, switch (op) {
                    case Opcodes.JEQ -> IFEQ;
                    case Opcodes.JNE, Opcodes.JSET -> IFNE;
                    case Opcodes.JGT, Opcodes.JSGT -> IFGT;
                    case Opcodes.JGE, Opcodes.JSGE -> IFGE;
                    case Opcodes.JLT, Opcodes.JSLT -> IFLT;
                    case Opcodes.JLE, Opcodes.JSLE -> IFLE;
                    default -> throw new IllegalStateException("jump operation 0x" + Integer.toHexString(op));
                }), taken);
            } else {
                load(in.dst());
                mv.visitInsn(L2I);
                if (unsigned) {
                    iconst(mv, Integer.MIN_VALUE);
                    mv.visitInsn(IADD);
                }
                if (reg) {
                    load(in.src());
                    mv.visitInsn(L2I);
                    if (unsigned) {
                        iconst(mv, Integer.MIN_VALUE);
                        mv.visitInsn(IADD);
                    }
                } else {
                    iconst(mv, unsigned ? imm ^ Integer.MIN_VALUE : imm);
                }
                if (op == Opcodes.JSET) {
                    mv.visitInsn(IAND);
                    mv.visitJumpInsn(negate ? IFEQ : IFNE, taken);
                    return;
                }
                mv.visitJumpInsn(negated(negate, switch (op) {
                    case Opcodes.JEQ -> IF_ICMPEQ;
                    case Opcodes.JNE -> IF_ICMPNE;
                    case Opcodes.JGT, Opcodes.JSGT -> IF_ICMPGT;
                    case Opcodes.JGE, Opcodes.JSGE -> IF_ICMPGE;
                    case Opcodes.JLT, Opcodes.JSLT -> IF_ICMPLT;
                    case Opcodes.JLE, Opcodes.JSLE -> IF_ICMPLE;
                    default -> throw new IllegalStateException("jump operation 0x" + Integer.toHexString(op));
                }), taken);
            }
        }

        /** The JVM branch with the opposite condition, when {@code negate}. */
        private static int negated(boolean negate, int opcode) {
            if (!negate) return opcode;
            return switch (opcode) {
                case IFEQ -> IFNE;
                case IFNE -> IFEQ;
                case IFLT -> IFGE;
                case IFGE -> IFLT;
                case IFGT -> IFLE;
                case IFLE -> IFGT;
                case IF_ICMPEQ -> IF_ICMPNE;
                case IF_ICMPNE -> IF_ICMPEQ;
                case IF_ICMPLT -> IF_ICMPGE;
                case IF_ICMPGE -> IF_ICMPLT;
                case IF_ICMPGT -> IF_ICMPLE;
                case IF_ICMPLE -> IF_ICMPGT;
                default -> throw new IllegalArgumentException("not a conditional branch: " + opcode);
            };
        }

        // ---------------------------------------------------------------- calls

        private void call(int i, Insn in) {
            mark(i);
            if (in.opcode() == Opcodes.CALLX) {
                ldcConstant(mv, 0, RT_D);
                mv.visitVarInsn(ALOAD, L_CTX);
                load(in.dst());
                for (int r = 1; r <= 5; r++) load(r);
                iconst(mv, i);
                mv.visitVarInsn(ILOAD, L_DEPTH);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "callx", "(" + CTX_D + "JJJJJJII)J", false);
                store(0);
                tailCall(i);
                return;
            }
            int kind = in.src() == Opcodes.PSEUDO_KFUNC_CALL ? JitRuntime.KFUNC : JitRuntime.HELPER;
            HelperFunction[] table = kind == JitRuntime.KFUNC ? kfuncs : helpers;
            int id = in.imm();
            HelperFunction f = id >= 0 && id < table.length ? table[id] : null;
            if (f == null) {
                ldcConstant(mv, 0, RT_D);
                iconst(mv, i);
                iconst(mv, kind);
                iconst(mv, id);
                mv.visitInsn(I2L);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "unknownFunction", "(IIJ)L" + FAULT + ";", false);
                mv.visitInsn(ATHROW);
                return;
            }
            ldcConstant(mv, functionConstant(kind, id, f), FN_D);
            mv.visitVarInsn(ALOAD, L_CTX);
            for (int r = 1; r <= 5; r++) load(r);
            ldcConstant(mv, 0, RT_D);
            iconst(mv, i);
            iconst(mv, kind);
            iconst(mv, id);
            mv.visitVarInsn(ILOAD, L_DEPTH);
            mv.visitMethodInsn(INVOKESTATIC, RT, "call", "(" + FN_D + CTX_D + "JJJJJ" + RT_D + "IIII)J", false);
            store(0);
            tailCall(i);
        }

        /**
         * After a helper call: if it requested a tail call ({@code bpf_tail_call}), the target
         * replaces this program in this frame — its r0, then the interpreter's EXIT sentinel (one
         * instruction, budget checked: a fault there is at the slot past the program's end), and
         * this frame exits.
         */
        private void tailCall(int i) {
            Label tail = new Label();
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "takeTailCall", "()L" + EXECUTOR + ";", false);
            mv.visitVarInsn(ASTORE, L_TAIL);
            mv.visitVarInsn(ALOAD, L_TAIL);
            mv.visitJumpInsn(IFNONNULL, tail);
            int given = Math.max(0, Math.min(flow.blockEnd[i], flow.count + 1) - i - 1);   // not yet executed in this block
            outOfLine.add(() -> {
                target(tail);
                pc(i);
                mv.visitVarInsn(ALOAD, L_TAIL);
                mv.visitVarInsn(ALOAD, L_CTX);
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ILOAD, L_DEPTH);
                load(1);
                for (int k = 0; k < 4; k++) mv.visitInsn(LCONST_0);
                mv.visitMethodInsn(INVOKEINTERFACE, EXECUTOR, "invoke", "(" + CTX_D + "IIJJJJJ)J", true);
                store(0);
                mv.visitVarInsn(LLOAD, L_LEFT);
                lconst(mv, given);   // the rest of the block never runs
                mv.visitInsn(LADD);
                mv.visitVarInsn(LSTORE, L_LEFT);
                Label funded = new Label();
                mv.visitVarInsn(LLOAD, L_LEFT);
                mv.visitInsn(LCONST_0);
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFGT, funded);
                pc(flow.count);   // the EXIT sentinel: slot = the program's length
                mv.visitJumpInsn(GOTO, budgetSpent);
                target(funded);
                mv.visitVarInsn(LLOAD, L_LEFT);
                mv.visitInsn(LCONST_1);
                mv.visitInsn(LSUB);
                mv.visitVarInsn(LSTORE, L_LEFT);
                mv.visitJumpInsn(GOTO, exitPath);
            });
        }

        // ---------------------------------------------------------------- memory

        private Path path(int i, Insn in, int base, int size, boolean atomic) {
            Path p = pathOf(i, in, base, size, atomic);
            return p == Path.CHECKED && loop != null && loopLocals.sites().containsKey(i) ? Path.GUARDED : p;
        }

        private int nextSite;
        private final List<Runnable> outOfLine = new ArrayList<>();

        /** The cache-miss paths of this method's memory sites, after all blocks. */
        void outOfLine() {
            for (Runnable r : outOfLine) r.run();
        }

        /**
         * A checked load or store through a per-site cache of the last region it used: when the
         * address falls in it (one subtract and compare), the access goes straight to the array;
         * otherwise (out of line) the address space checks the access exactly as the interpreter's
         * does, faulting the same way, and the site remembers the region. Leaves the byte array
         * and index on the stack.
         */
        private void cachedIndex(int i, Insn in, int base, int size, boolean store) {
            int at = L_SITES + SITE_SLOTS * nextSite++;
            Label miss = new Label();
            Label access = new Label();
            address(base, in.off());
            mv.visitVarInsn(LSTORE, L_ADDR);
            // (addr - low) <u span, as addr - (low ^ MIN) < span ^ MIN: one subtract, one compare
            mv.visitVarInsn(LLOAD, L_ADDR);
            mv.visitVarInsn(LLOAD, at);
            mv.visitInsn(LSUB);
            mv.visitVarInsn(LLOAD, at + 2);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFGE, miss);
            target(access);
            mv.visitVarInsn(ALOAD, at + 4);
            mv.visitVarInsn(ILOAD, at + 5);
            mv.visitVarInsn(LLOAD, L_ADDR);
            mv.visitInsn(L2I);
            mv.visitInsn(IADD);
            outOfLine.add(() -> {
                target(miss);
                pc(i);
                mv.visitVarInsn(ALOAD, L_MEM);
                mv.visitVarInsn(LLOAD, L_ADDR);
                iconst(mv, size);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEM, store ? "writable" : "readable", "(JI)L" + REGION + ";", false);
                mv.visitVarInsn(ASTORE, L_REGION);
                mv.visitVarInsn(ALOAD, L_REGION);
                iconst(mv, size);
                mv.visitMethodInsn(INVOKESTATIC, JM, "cacheSpan", "(L" + REGION + ";I)J", false);
                mv.visitVarInsn(LSTORE, at + 2);
                mv.visitVarInsn(ALOAD, L_REGION);
                mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "bytes", "()[B", false);
                mv.visitVarInsn(ASTORE, at + 4);
                mv.visitVarInsn(ALOAD, L_REGION);
                mv.visitMethodInsn(INVOKEVIRTUAL, REGION, "base", "()I", false);
                mv.visitVarInsn(ISTORE, at + 5);
                mv.visitVarInsn(LLOAD, L_ADDR);
                lconst(mv, 0xffffffff00000000L);
                mv.visitInsn(LAND);
                lconst(mv, Long.MIN_VALUE);
                mv.visitInsn(LXOR);
                mv.visitVarInsn(LSTORE, at);
                mv.visitJumpInsn(GOTO, access);
            });
        }

        /** Pushes the byte array and index of a direct access. */
        private void arrayIndex(Path p, int i, int base, int off) {
            if (p == Path.GUARDED) {   // the loop's guard found the array and the index (less the induction variable's part)
                int[] site = loopLocals.sites().get(i);
                mv.visitVarInsn(ALOAD, site[0]);
                mv.visitVarInsn(ILOAD, site[1]);
                if (loop.sites.get(i).onIv()) {
                    mv.visitVarInsn(ILOAD, loopLocals.ivLow());
                    mv.visitInsn(IADD);
                }
                return;
            }
            mv.visitVarInsn(ALOAD, L_STACK);
            if (p == Path.FRAME) {
                mv.visitVarInsn(ILOAD, L_FP);
                iconst(mv, ExecutionContext.STACK_SIZE + off);
                mv.visitInsn(IADD);
            } else {
                address(base, off);
                mv.visitMethodInsn(INVOKESTATIC, JM, "stackIndex", "(J)I", false);
            }
        }

        private void address(int base, int off) {
            load(base);
            if (off != 0) {
                lconst(mv, off);
                mv.visitInsn(LADD);
            }
        }

        private void loadInsn(int i, Insn in) {
            int size = Opcodes.sizeBytes(in.opcode());
            Path p = path(i, in, in.src(), size, false);
            if (p == Path.CTX_HINT) {
                contextLoad(i, in, size);
                return;
            }
            if (p == Path.CHECKED) cachedIndex(i, in, in.src(), size, false);
            else arrayIndex(p, i, in.src(), in.off());
            mv.visitMethodInsn(INVOKESTATIC, JM, "load" + size * 8, "([BI)J", false);
            signExtend(in, size);
            store(in.dst());
        }

        /** For {@code ldxs*}: the loaded value sign-extended from its size. */
        private void signExtend(Insn in, int size) {
            if (Opcodes.mode(in.opcode()) != Opcodes.MEMSX) return;
            mv.visitInsn(L2I);
            if (size == 1) mv.visitInsn(I2B);
            else if (size == 2) mv.visitInsn(I2S);
            mv.visitInsn(I2L);
        }

        /**
         * A load the verifier proved reads the context: straight from the context's array, which
         * the method looked up once, after one compare ({@code 0 <= offset <= size - n}, as
         * {@code (offset | (size - n - offset)) >= 0}). An access outside it (a context smaller
         * than the program type's, or none) goes out of line to the address space, which faults
         * exactly as the interpreter does.
         */
        private void contextLoad(int i, Insn in, int size) {
            Label slow = new Label();
            Label done = new Label();
            address(in.src(), in.off());
            lconst(mv, CTX_LOW);
            mv.visitInsn(LSUB);
            mv.visitVarInsn(LSTORE, L_CTX_OFF);
            mv.visitVarInsn(LLOAD, L_CTX_OFF);
            mv.visitVarInsn(LLOAD, L_CTX_SIZE);
            lconst(mv, size);
            mv.visitInsn(LSUB);
            mv.visitVarInsn(LLOAD, L_CTX_OFF);
            mv.visitInsn(LSUB);
            mv.visitInsn(LOR);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLT, slow);
            mv.visitVarInsn(ALOAD, L_CTX_BYTES);
            mv.visitVarInsn(ILOAD, L_CTX_BASE);
            mv.visitVarInsn(LLOAD, L_CTX_OFF);
            mv.visitInsn(L2I);
            mv.visitInsn(IADD);
            mv.visitMethodInsn(INVOKESTATIC, JM, "load" + size * 8, "([BI)J", false);
            signExtend(in, size);
            store(in.dst());
            target(done);
            outOfLine.add(() -> {
                target(slow);
                pc(i);
                mv.visitVarInsn(ALOAD, L_MEM);
                mv.visitVarInsn(LLOAD, L_CTX_OFF);
                lconst(mv, CTX_LOW);
                mv.visitInsn(LADD);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEM, "load" + size * 8, "(J)J", false);
                signExtend(in, size);
                store(in.dst());
                mv.visitJumpInsn(GOTO, done);
            });
        }

        private void storeInsn(int i, Insn in) {
            int opcode = in.opcode();
            int size = Opcodes.sizeBytes(opcode);
            boolean atomic = Opcodes.mode(opcode) == Opcodes.ATOMIC;
            Path p = path(i, in, in.dst(), size, atomic);
            if (atomic) {
                atomic(i, in, size, p);
                return;
            }
            if (p == Path.CHECKED) cachedIndex(i, in, in.dst(), size, true);
            else arrayIndex(p, i, in.dst(), in.off());
            if (Opcodes.cls(opcode) == Opcodes.ST) lconst(mv, in.imm());
            else load(in.src());
            mv.visitMethodInsn(INVOKESTATIC, JM, "store" + size * 8, "([BIJ)V", false);
        }

        private void atomic(int i, Insn in, int size, Path p) {
            int bits = size * 8;
            int op = in.imm();
            String name = switch (op & ~Opcodes.FETCH) {
                case Opcodes.ADD -> "fetchAdd";
                case Opcodes.AND -> "fetchAnd";
                case Opcodes.OR -> "fetchOr";
                case Opcodes.XOR -> "fetchXor";
                case Opcodes.XCHG & ~Opcodes.FETCH -> "exchange";
                case Opcodes.CMPXCHG & ~Opcodes.FETCH -> "compareExchange";
                default -> throw new IllegalStateException("atomic operation 0x" + Integer.toHexString(op));
            };
            boolean cmpxchg = op == Opcodes.CMPXCHG;
            if (p == Path.CHECKED) {
                mark(i);
                mv.visitVarInsn(ALOAD, L_MEM);
                address(in.dst(), in.off());
            } else {
                arrayIndex(p, i, in.dst(), in.off());
            }
            if (cmpxchg) load(0);
            load(in.src());
            String args = cmpxchg ? "JJ" : "J";
            if (p == Path.CHECKED) mv.visitMethodInsn(INVOKEVIRTUAL, MEM, name + bits, "(J" + args + ")J", false);
            else mv.visitMethodInsn(INVOKESTATIC, JM, name + bits, "([BI" + args + ")J", false);
            if (cmpxchg) store(0);
            else if ((op & Opcodes.FETCH) != 0) store(in.src());
            else mv.visitInsn(POP2);
        }
    }

    /** For tests and the dump: the blocks of each subprogram. */
    static String describe(ControlFlow flow) {
        StringBuilder sb = new StringBuilder();
        for (ControlFlow.Subprogram sp : flow.subprograms) sb.append("f").append(sp.entry()).append(' ').append(Arrays.toString(sp.blocks())).append('\n');
        return sb.toString();
    }
}
