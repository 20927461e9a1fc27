/**
 * Formatting for the shell commands: text tables, JSON with Jackson, and bytes written and read
 * as hex the way bpftool does. Commands compute data objects; this package turns them into text.
 */
package dev.kbpf.shell.format;
