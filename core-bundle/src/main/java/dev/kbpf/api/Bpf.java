package dev.kbpf.api;

import java.util.List;
import java.util.Optional;

/**
 * The platform's {@code bpf(2)}: the service through which programs are loaded, maps created and
 * used, programs attached to tracepoints, and everything listed. Every failure is a
 * {@link BpfException} carrying the Linux errno (and, for a rejected load, the verifier log).
 *
 * <p>Programs and maps are named by ids, as bpftool shows them; kbpf has no file descriptors, so
 * where Linux takes a map fd (an {@code lddw} pseudo map fd, {@code fd_array}) kbpf takes the map id.
 */
public interface Bpf {

    // ---- programs ----

    /** {@code BPF_PROG_LOAD}: verifies, prepares the executor and registers the program. */
    ProgInfo progLoad(ProgLoadAttr attr);

    /** Unloads a program (detaching its links first). {@code ENOENT} if there is no such program. */
    void progUnload(int progId);

    ProgInfo progShow(int progId);

    List<ProgInfo> progList();

    /**
     * Loads a BPF object file ({@code bpftool prog load}): creates the maps it declares, fills global
     * data and program arrays, then verifies and loads its programs (or the one that
     * {@link ObjLoadAttr#program()} names). All or nothing: on failure everything created for the
     * object is freed and the exception carries the rejected program's verifier log. {@code ENOENT}
     * when the file or the named program does not exist, {@code EINVAL} when the file is no BPF object.
     *
     * <p>A default for implementations that predate it: {@code ENOTSUPP}.
     */
    default LoadedObject objLoad(ObjLoadAttr attr) {
        throw new BpfException(Errno.ENOTSUPP, "loading object files is not supported by " + getClass().getName());
    }

    /**
     * The instructions of a loaded program as the verifier left them ({@code bpftool prog dump
     * xlated}): one entry per 8-byte slot, map references as {@code lddw} with
     * {@code PSEUDO_MAP_FD}/{@code PSEUDO_MAP_VALUE} and the map id, helper calls with their ids,
     * kfunc calls with their registry ids. {@code ENOENT} if there is no such program.
     *
     * <p>A default for implementations that predate it: {@code ENOTSUPP}.
     */
    default List<dev.kbpf.isa.Insn> progXlated(int progId) {
        throw new BpfException(Errno.ENOTSUPP, "dumping translated instructions is not supported by " + getClass().getName());
    }

    /**
     * What the JIT made of a loaded program, as text ({@code bpftool prog dump jited}): the JVM
     * bytecode of its hidden class, one instruction a line. Empty when the program runs in the
     * interpreter. {@code ENOENT} if there is no such program.
     *
     * <p>A default for implementations that predate it: empty (nothing jited).
     */
    default Optional<String> progJited(int progId) {
        progShow(progId); // ENOENT for an unknown id, as the real method would say
        return Optional.empty();
    }

    /** {@code BPF_PROG_TEST_RUN}: runs the program {@code repeat} times on a copy of {@code ctx}. */
    TestRunResult progTestRun(int progId, byte[] ctx, int repeat);

    // ---- maps ----

    /** {@code BPF_MAP_CREATE}. */
    MapInfo mapCreate(MapAttr attr);

    /** Frees a map that no program uses any more ({@code EBUSY} otherwise). */
    void mapDelete(int mapId);

    MapInfo mapShow(int mapId);

    List<MapInfo> mapList();

    /** {@code BPF_MAP_LOOKUP_ELEM}: the value, or empty. Per-CPU maps give every CPU's value, concatenated. */
    Optional<byte[]> mapLookup(int mapId, byte[] key);

    /** {@code BPF_MAP_UPDATE_ELEM} with {@code BPF_ANY}, {@code BPF_NOEXIST} or {@code BPF_EXIST}. */
    void mapUpdate(int mapId, byte[] key, byte[] value, long flags);

    /**
     * {@code nr_cpus}: how many CPUs kbpf has, as the per-CPU map types count them. A per-CPU map's
     * value, as {@link #mapLookup} returns it and {@link #mapUpdate} takes it, holds
     * {@code round_up(value_size, 8)} bytes for each CPU, CPU 0 first, as in Linux.
     *
     * <p>A default for implementations that predate it: the JVM's available processors.
     */
    default int nrCpus() { return Math.max(1, Runtime.getRuntime().availableProcessors()); }

    /** {@code BPF_MAP_DELETE_ELEM}. */
    void mapDeleteElem(int mapId, byte[] key);

    /** {@code BPF_MAP_GET_NEXT_KEY}: the key after {@code key} (the first key when {@code key} is null), or empty at the end. */
    Optional<byte[]> mapGetNextKey(int mapId, byte[] key);

    /**
     * Opens a reader of a {@code RINGBUF} map's records; {@code EINVAL} for another map type.
     *
     * <p>A default for implementations that predate it: {@code ENOTSUPP}.
     */
    default RingBufferReader ringBufferOpen(int mapId, RingBufferReader.Handler handler) {
        throw new BpfException(Errno.ENOTSUPP, "ring buffer readers are not supported by " + getClass().getName());
    }

    /**
     * Opens a reader of a {@code PERF_EVENT_ARRAY} map with rings of {@code pageCount} pages (a
     * power of two) per CPU; {@code EINVAL} for another map type or a bad page count.
     * {@code onLost} may be null (losses are then only counted).
     *
     * <p>A default for implementations that predate it: {@code ENOTSUPP}.
     */
    default PerfBufferReader perfBufferOpen(int mapId, int pageCount, PerfBufferReader.SampleHandler onSample,
                                            PerfBufferReader.LostHandler onLost) {
        throw new BpfException(Errno.ENOTSUPP, "perf buffer readers are not supported by " + getClass().getName());
    }

    // ---- links and tracepoints ----

    /** Attaches a program to a tracepoint ({@code category:name}); the link keeps it attached until detached. */
    LinkInfo attach(int progId, String tracepoint);

    void detach(int linkId);

    List<LinkInfo> linkList();

    /** Defines a tracepoint for Java code to fire (or returns the same one if it exists with the same layout). */
    Tracepoint defineTracepoint(String category, String name, List<TracepointField> fields);

    Optional<Tracepoint> tracepoint(String name);

    List<Tracepoint> tracepoints();

    // ---- output ----

    /**
     * The trace pipe that {@code bpf_trace_printk} writes to; what {@code tracelog} follows.
     *
     * <p>A default for implementations that predate it: {@code ENOTSUPP}.
     */
    default TracePipe tracePipe() {
        throw new BpfException(Errno.ENOTSUPP, "the trace pipe is not supported by " + getClass().getName());
    }
}
