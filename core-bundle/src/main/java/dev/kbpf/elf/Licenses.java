package dev.kbpf.elf;

import java.util.Set;

/** The kernel's {@code license_is_gpl_compatible()}: which license strings may call {@code gpl_only} helpers. */
public final class Licenses {
    private Licenses() {}

    /** Exactly the strings of include/linux/license.h; the comparison is exact, as the kernel's {@code strcmp}. */
    private static final Set<String> GPL_COMPATIBLE = Set.of(
            "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    public static boolean isGplCompatible(String license) {
        return license != null && GPL_COMPATIBLE.contains(license);
    }
}
