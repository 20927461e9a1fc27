package dev.kbpf.maps;

import dev.kbpf.api.ProgType;

/**
 * A loaded program as a {@code PROG_ARRAY} entry: what {@code bpf_tail_call} jumps to. The program
 * runtime implements it; maps only need the id (what the syscall face shows) and the type (all
 * programs of one array must have the same type, as in Linux).
 */
public interface TailCallTarget {

    /** The program id. */
    int progId();

    /** The program type. */
    ProgType progType();
}
