package dev.kbpf.spi;

import java.util.Collection;

/** Told by the kfunc registry when kfuncs come and go; core listens to unload the programs that used them. */
public interface KfuncRegistryListener {

    /** These kfuncs are gone (their set was unregistered); the programs calling them must go too. */
    void kfuncsRemoved(Collection<RegisteredKfunc> gone, String reason);

    /** These kfuncs were registered. */
    default void kfuncsAdded(Collection<RegisteredKfunc> added) {}
}
