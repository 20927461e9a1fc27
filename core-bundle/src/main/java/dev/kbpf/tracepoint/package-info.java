/**
 * Tracepoints: definitions with record layouts, the registry of all of them, and the fast firing
 * path that runs attached programs.
 */
package dev.kbpf.tracepoint;
