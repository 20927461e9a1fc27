/** The BPF instruction set of RFC 9669: instruction model, decoding, encoding, assembler, disassembler. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.kbpf.isa;
