/** The {@code bpf:crash} shell command: crash dumps listed and read like the {@code crash} utility reads a vmcore. */
package dev.kbpf.helpers.destructive.shell;
