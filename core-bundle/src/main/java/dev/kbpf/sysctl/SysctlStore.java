package dev.kbpf.sysctl;

import java.util.List;

/**
 * Where sysctl values are kept across a reboot of the framework (ConfigAdmin, in the OSGi
 * layer). The registry loads once when it is created and saves after every change.
 */
public interface SysctlStore {

    /** The settings saved before, in any order; a name not (yet) registered is kept until it is. */
    List<SysctlSetting> load();

    /**
     * Replaces what is stored by {@code settings}: every sysctl whose value differs from its
     * default or carries an expiry. A sysctl absent from the list is at its default.
     */
    void save(List<SysctlSetting> settings);

    /** Keeps nothing: every boot starts from the defaults. */
    static SysctlStore none() {
        return new SysctlStore() {
            @Override public List<SysctlSetting> load() { return List.of(); }
            @Override public void save(List<SysctlSetting> settings) {}
        };
    }
}
