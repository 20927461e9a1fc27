/** A kfunc provider for the container tests. */
package dev.kbpf.testkfunc;
