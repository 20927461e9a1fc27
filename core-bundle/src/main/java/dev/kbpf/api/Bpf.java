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

    /** {@code BPF_MAP_DELETE_ELEM}. */
    void mapDeleteElem(int mapId, byte[] key);

    /** {@code BPF_MAP_GET_NEXT_KEY}: the key after {@code key} (the first key when {@code key} is null), or empty at the end. */
    Optional<byte[]> mapGetNextKey(int mapId, byte[] key);

    // ---- links and tracepoints ----

    /** Attaches a program to a tracepoint ({@code category:name}); the link keeps it attached until detached. */
    LinkInfo attach(int progId, String tracepoint);

    void detach(int linkId);

    List<LinkInfo> linkList();

    /** Defines a tracepoint for Java code to fire (or returns the same one if it exists with the same layout). */
    Tracepoint defineTracepoint(String category, String name, List<TracepointField> fields);

    Optional<Tracepoint> tracepoint(String name);

    List<Tracepoint> tracepoints();
}
