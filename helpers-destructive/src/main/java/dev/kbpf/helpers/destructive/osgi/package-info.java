/**
 * The Declarative Services layer of the destructive kfuncs bundle: the kfunc set registered as a
 * {@link dev.kbpf.spi.KfuncProvider} for the kfunc registry, and the JSON crash dump writer
 * registered as a {@link dev.kbpf.spi.CrashDumpWriter} for core's machine.
 */
package dev.kbpf.helpers.destructive.osgi;
