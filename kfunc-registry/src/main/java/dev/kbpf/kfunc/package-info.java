/** The kfunc table: sets registered by providers, numeric ids, look-ups, and which programs call what. */
package dev.kbpf.kfunc;
