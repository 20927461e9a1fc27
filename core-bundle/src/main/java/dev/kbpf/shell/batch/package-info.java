/** Running shell commands without a terminal, with an exit status that says whether they succeeded. */
package dev.kbpf.shell.batch;
