/** The control-flow graph of a program and its Graphviz DOT form, for {@code prog dump visual}. */
package dev.kbpf.shell.cfg;
