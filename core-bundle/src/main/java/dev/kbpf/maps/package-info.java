/**
 * BPF maps: hash, array, their per-CPU and LRU variants, program arrays for tail calls, ring
 * buffers and perf event arrays, with Linux's semantics, and the Java consumers of ring and perf
 * buffers.
 *
 * <p>Every map has two faces. The <em>syscall face</em> ({@code lookup}, {@code update},
 * {@code delete}, {@code getNextKey} on {@link dev.kbpf.maps.BpfMap}) is what {@code bpf(2)}
 * does: it copies keys and values and throws {@link dev.kbpf.api.BpfException} with the Linux
 * errno. The <em>program face</em> ({@code lookupForProgram}, {@code updateFromProgram},
 * {@code deleteFromProgram}) is what helpers call while a program runs: keys and values are
 * {@code (byte[] array, int offset)} pairs in the program's memory, nothing is allocated, and
 * errors come back as {@code -errno}.
 *
 * <p><b>Where values live.</b> A map keeps its element values in little-endian {@code byte[]}
 * arrays, {@link dev.kbpf.maps.BpfMap#valueStorage(int)}, one per CPU for per-CPU maps. Value
 * slots are {@code round_up(value_size, 8)} bytes and start at offsets that are multiples of 8, so
 * atomic instructions can work on them with {@code MethodHandles.byteArrayViewVarHandle}. The
 * memory model registers each storage array as a region; a program-face lookup answers the offset
 * of the value inside it, or -1. This package does not know about regions. A ring buffer's storage
 * is its data area followed by an overflow area of the same size (see
 * {@link dev.kbpf.maps.RingbufMap}), where records that wrap around the end stay contiguous;
 * program and perf event arrays have no storage.
 *
 * <p><b>CPUs.</b> {@link dev.kbpf.maps.Cpus} says what a CPU is in a JVM: a stable number per
 * thread out of {@code nr_cpus = availableProcessors()}; per-CPU maps, perf event arrays and
 * {@code bpf_get_smp_processor_id} all use it.
 *
 * <p><b>Consumers.</b> {@link dev.kbpf.maps.RingBuffer} and {@link dev.kbpf.maps.PerfBuffer} are
 * the Java side of ring buffers and perf event arrays, shaped like libbpf's {@code ring_buffer__*}
 * and {@code perf_buffer__*} functions.
 */
package dev.kbpf.maps;
