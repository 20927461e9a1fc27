/** The tracing helpers as an OSGi service: one {@code HelperProvider} component (whiteboard). */
package dev.kbpf.helpers.tracing.osgi;
