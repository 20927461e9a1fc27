/**
 * The BPF verifier: decides, before a program may run, that it is safe — in the style of the
 * Linux kernel's {@code kernel/bpf/verifier.c}, and with its messages and log.
 *
 * <p><b>Entry point.</b> {@link dev.kbpf.verifier.Verifier#verify} takes a
 * {@link dev.kbpf.verifier.VerifierInput} (instruction slots, program type, load flags,
 * credentials, log level, source lines and a {@link dev.kbpf.verifier.VerifierEnv} through which
 * the loader supplies helpers, kfuncs, maps, the destructive policy, the license and context
 * layouts) and returns a {@link dev.kbpf.verifier.VerifierResult}: {@code Accepted} with
 * {@link dev.kbpf.verifier.ProgramFacts} for the executors (pointer kind of each memory access,
 * bound functions, lddw maps, subprograms and stack depths, highest context offset read) and
 * {@link dev.kbpf.verifier.VerifierStats}; or {@code Rejected} with the Linux errno, the message
 * and the log. It never throws.
 *
 * <p><b>How it works.</b>
 * <ol>
 * <li>{@code Checker.checkPrivileges}: CAP_BPF (or CAP_SYS_ADMIN), CAP_PERFMON for tracing types,
 *     the size limit (4,096 unprivileged, 1,000,000 otherwise).</li>
 * <li>{@code ProgramStructure}: opcodes and {@code lddw} pairs, subprograms, jumps inside their
 *     subprogram, reachability and back-edges ({@code check_cfg}), prune points, and the registers
 *     live at each instruction (a static backward analysis, as Linux 6.15's).</li>
 * <li>{@code Precision}: which scalar values matter (branches, pointer arithmetic, call
 *     arguments, returns) — Linux's precision tracking as a static data-flow analysis. Stored
 *     states whose <em>imprecise</em> scalars differ still cover the current one.</li>
 * <li>{@code Checker.doCheck}: the abstract interpreter over every path ({@code Checker} for the
 *     loop, ALU and branches, {@code MemoryAccess} for loads, stores and the stack, {@code Calls}
 *     for bpf-to-bpf calls, callbacks, helpers, kfuncs and references), with register states
 *     ({@code RegState}: type, fixed and variable offset, the scalar domain of
 *     {@code dev.kbpf.verifier.scalar}, ids linking copies), per-byte stack slots with spills
 *     ({@code FuncFrame}), call frames and acquired references ({@code VState}); a pending stack of
 *     branches; at prune points {@code StateEquivalence} compares with stored states (range and
 *     tnum containment, ids mapped one to one), and an identical in-progress state is an infinite
 *     loop. {@code bpf_loop} callbacks are verified as a loop that may run zero or more times,
 *     widening changed caller scalars until the iterations reach a fixed point.</li>
 * <li>Combined stack of every call chain and the log's statistics.</li>
 * </ol>
 *
 * <p><b>Differences from Linux</b> (deliberate or not yet done): packet pointers ({@code xdp_md.data}) are plain scalars, so
 * direct packet access is not supported; precision is computed statically, which is sound but
 * keeps a little more precision than Linux (a few more states); kfunc lookup failures and an absent
 * registry give {@code ENOENT}; the destructive rails 3 and 4 give {@code EPERM}.
 */
package dev.kbpf.verifier;
