/**
 * The bpf_conformance plugin (FORMAT.md section 4): {@link dev.kbpf.conformance.ConformancePlugin}
 * runs one program unverified in the environment of FORMAT.md section 3, set up by
 * {@link dev.kbpf.conformance.ConformanceMachine}, which the JUnit suite test shares.
 */
package dev.kbpf.conformance;
