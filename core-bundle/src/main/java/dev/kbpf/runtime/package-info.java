/**
 * The BPF runtime: the {@code Bpf} service without OSGi — program load (pseudo instruction
 * resolution, verification, executor), maps bound into the address space, links to tracepoints,
 * the helper table from providers, kfuncs through the registry, the trace pipe, and hot removal
 * of programs whose functions went away.
 */
package dev.kbpf.runtime;
