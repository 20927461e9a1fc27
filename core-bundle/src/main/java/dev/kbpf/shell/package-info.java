/**
 * The {@code bpf:*} Gogo commands: bpftool's verbs on kbpf's {@link dev.kbpf.api.Bpf} service and
 * its companions (helper table, kfunc registry, sysctls, machine). Each command is a Declarative
 * Services component with one Gogo function per noun and the sub-command as its first word; it
 * computes data objects (records) and formats them once, as a table or, with {@code --json}, as
 * JSON — so both always say the same. A failed operation throws a {@link dev.kbpf.shell.CommandException}
 * naming the errno and carrying the verifier log, which makes {@code bin/kbpf -c} exit 1 with it.
 *
 * <p>The shell's credentials: every capability, like root running bpftool; {@code prog load --caps}
 * loads with fewer.
 */
package dev.kbpf.shell;
