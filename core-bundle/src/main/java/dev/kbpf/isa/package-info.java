/**
 * The BPF instruction set of RFC 9669: instruction model, decoding, encoding, assembler, disassembler.
 *
 * <ul>
 *   <li>{@link dev.kbpf.isa.Insn} — one 8-byte slot; {@link dev.kbpf.isa.Opcodes} — the field values.</li>
 *   <li>{@link dev.kbpf.isa.InsnDecoder} — bytes to slots with full validation
 *       ({@link dev.kbpf.isa.DecodeException}), slots to bytes, and the per-instruction
 *       {@link dev.kbpf.isa.InsnDecoder#check check} the verifier reuses.</li>
 *   <li>{@link dev.kbpf.isa.Assembler} — the bpf_conformance assembler syntax
 *       ({@link dev.kbpf.isa.AsmException}); {@link dev.kbpf.isa.ConformanceTestFile} — its
 *       {@code .data} test files.</li>
 *   <li>{@link dev.kbpf.isa.Disassembler} — the Linux verifier log's syntax.</li>
 * </ul>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.kbpf.isa;
