package dev.kbpf.runtime;

import java.util.Set;

/** Which program licenses are GPL-compatible, as the kernel's {@code license_is_gpl_compatible} lists them. */
final class Licenses {
    private Licenses() {}

    private static final Set<String> GPL_COMPATIBLE = Set.of(
            "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    static boolean isGplCompatible(String license) {
        return license != null && GPL_COMPATIBLE.contains(license);
    }
}
