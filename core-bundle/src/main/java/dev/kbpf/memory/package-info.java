/**
 * The BPF memory model of DESIGN.md: a BPF pointer is a 64-bit address, a region id in the high
 * 32 bits and an offset in the low 32; regions are little-endian {@code byte[]} slices (context,
 * stack frames, map values, ring buffers, read-only data, raw test memory) reached through a
 * per-execution {@link dev.kbpf.memory.AddressSpace} that falls back to a long-lived,
 * lock-free-to-read {@link dev.kbpf.memory.RegionTable}. Every access is checked; a bad one
 * raises {@link dev.kbpf.memory.MemoryFault}. Atomics are real atomics (VarHandles).
 */
package dev.kbpf.memory;
