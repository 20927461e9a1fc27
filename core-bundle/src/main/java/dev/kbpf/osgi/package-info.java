/**
 * The thin layer that wires the framework-free core to OSGi: the system component that makes the
 * sysctls, the machine and the runtime and registers them as services; the whiteboards that feed
 * helper providers, the kfunc registry and the crash dump writer into them; ConfigAdmin
 * persistence; the framework as the machine halts and reboots it; tracepoints for the framework's
 * and the JVM's own events.
 */
package dev.kbpf.osgi;
