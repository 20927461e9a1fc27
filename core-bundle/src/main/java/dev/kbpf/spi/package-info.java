/** What function providers implement: helper and kfunc descriptions, prototypes and the call context. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.kbpf.spi;
