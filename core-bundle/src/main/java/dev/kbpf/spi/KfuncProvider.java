package dev.kbpf.spi;

import java.util.List;

/**
 * A whiteboard service: a set of kfuncs that any bundle registers (Linux's
 * {@code register_btf_kfunc_id_set}). The kfunc registry collects them; they carry no stability
 * promise and vanish with their provider.
 */
public interface KfuncProvider {

    /** The set's name, shown by {@code kfuncs} and in dmesg (for example {@code destructive}). */
    String setName();

    /** The kfuncs of the set; read once when the set is registered. */
    List<BpfKfunc> kfuncs();
}
