/**
 * The ELF loader: turns a BPF object that clang compiles from C with libbpf's headers
 * ({@code clang -O2 -g -target bpf -c prog.c}) into a {@link dev.kbpf.elf.BpfObject} — maps to
 * create and programs to verify, linked and relocated the way libbpf prepares them for
 * {@code BPF_PROG_LOAD}. Entry point: {@link dev.kbpf.elf.ElfLoader#load(byte[], String)}.
 *
 * <p>Plain Java, no OSGi; private to the core bundle. Every malformed input fails with
 * {@link dev.kbpf.elf.ElfException}. {@code dev.kbpf.elf.btf} reads {@code .BTF} and {@code .BTF.ext}.
 */
package dev.kbpf.elf;
