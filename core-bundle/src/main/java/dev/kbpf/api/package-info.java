/** What users of the BPF subsystem call: the {@code Bpf} service (the platform's bpf(2)) and its vocabulary. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.kbpf.api;
