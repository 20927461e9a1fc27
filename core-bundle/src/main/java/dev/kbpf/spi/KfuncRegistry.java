package dev.kbpf.spi;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The removable registry of kfuncs, offered as a service by the {@code dev.kbpf.kfunc} bundle.
 * Core never imports that bundle: it finds this service at run time, and while it is absent no
 * kfunc resolves (programs calling one are rejected, loaded ones unloaded).
 */
public interface KfuncRegistry {

    Optional<RegisteredKfunc> byName(String name);

    Optional<RegisteredKfunc> byId(int id);

    /** Every registered kfunc, by name. */
    List<RegisteredKfunc> all();

    /** Notes that a loaded program calls these kfuncs (by name); replaces what was noted for it before. */
    void recordUser(ProgRef prog, Collection<String> kfuncNames);

    /** Forgets a program that was unloaded. */
    void forgetUser(int progId);

    /** The loaded programs that call the kfunc: who would go if its provider went. */
    List<ProgRef> users(String kfuncName);

    void addListener(KfuncRegistryListener listener);

    void removeListener(KfuncRegistryListener listener);
}
