/**
 * BPF Type Format: the {@code .BTF} section's types and strings ({@link dev.kbpf.elf.btf.Btf}) and
 * the {@code .BTF.ext} section's func info, line info and CO-RE relocation records
 * ({@link dev.kbpf.elf.btf.BtfExt}), as {@code Documentation/bpf/btf.rst} lays them out.
 */
package dev.kbpf.elf.btf;
