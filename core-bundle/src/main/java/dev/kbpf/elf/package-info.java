/**
 * The ELF loader: turns a BPF object that clang compiles from C with libbpf's headers
 * ({@code clang -O2 -g -target bpf -c prog.c}) into a {@link dev.kbpf.elf.BpfObject} — maps to
 * create and programs to verify, linked and relocated the way libbpf prepares them for
 * {@code BPF_PROG_LOAD}. Entry point: {@link dev.kbpf.elf.ElfLoader#load(byte[], String)}.
 *
 * <h2>Loading an object, for the runtime</h2>
 * <ol>
 * <li>Create {@link dev.kbpf.elf.BpfObject#maps()} in order; a program's {@code lddw} with src
 *     {@code PSEUDO_MAP_IDX}/{@code PSEUDO_MAP_IDX_VALUE} names a map by its index in that list
 *     (the verifier's {@code VerifierEnv.map(pseudo, imm)} takes exactly that).</li>
 * <li>For {@link dev.kbpf.elf.MapKind#GLOBAL_DATA} maps, write {@link dev.kbpf.elf.MapSpec#initialValue()}
 *     as the value of key 0 (after applying {@link dev.kbpf.elf.MapSpec#dataRelocations()} if the
 *     runtime supports addresses in data), then freeze the {@link dev.kbpf.elf.MapSpec#frozen()} ones
 *     ({@code .rodata*}): the verifier may then read their bytes as constants, which is how string
 *     literals reach {@code ARG_PTR_TO_CONST_STR} arguments. Set {@code const volatile} variables
 *     first with {@link dev.kbpf.elf.BpfObject#withGlobal(String, long)}.</li>
 * <li>For each program, turn its kfunc names into kfunc-registry ids with
 *     {@link dev.kbpf.elf.ProgramSpec#insnsWithKfuncIds(int[])}, and verify with
 *     {@link dev.kbpf.elf.ProgramSpec#sourceLines()} so the log shows the C source; the license is
 *     {@link dev.kbpf.elf.BpfObject#license()} ({@link dev.kbpf.elf.BpfObject#isGplCompatible()}).</li>
 * <li>After the programs are loaded, fill {@link dev.kbpf.elf.MapSpec#initialSlots()} of
 *     {@code PROG_ARRAY} maps with the named programs.</li>
 * </ol>
 *
 * <p>Plain Java, no OSGi; private to the core bundle. Every malformed input fails with
 * {@link dev.kbpf.elf.ElfException}. {@code dev.kbpf.elf.btf} reads {@code .BTF} and {@code .BTF.ext}.
 */
package dev.kbpf.elf;
