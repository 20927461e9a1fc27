package dev.kbpf.sysctl;

import java.util.List;

/**
 * A store that lives as long as this object: what survives a simulated reboot when one
 * registry is replaced by a new one in the same process (tests, and the framework's in-process
 * restart before ConfigAdmin is wired).
 */
public final class InMemorySysctlStore implements SysctlStore {
    private volatile List<SysctlSetting> saved = List.of();

    @Override public List<SysctlSetting> load() { return saved; }

    @Override public void save(List<SysctlSetting> settings) { saved = List.copyOf(settings); }
}
