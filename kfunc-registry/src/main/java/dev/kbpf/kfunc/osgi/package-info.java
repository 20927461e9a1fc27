/** The registry as an OSGi service: collects {@code KfuncProvider} services (whiteboard). */
package dev.kbpf.kfunc.osgi;
