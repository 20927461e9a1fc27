package dev.kbpf.helpers.tracing;

import dev.kbpf.spi.CallContext;

/**
 * {@code bpf_map_lookup_elem}, {@code bpf_map_update_elem}, {@code bpf_map_delete_elem}: the
 * runtime's maps do the work (key and value pointers are resolved there, without copying); these
 * bodies only pass the registers on, so that the hot path stays one call deep.
 */
final class MapHelpers {
    private MapHelpers() {}

    /** {@code void *bpf_map_lookup_elem(map, key)}: the value's address, or 0. */
    static long lookup(CallContext ctx, long map, long key, long r3, long r4, long r5) {
        return ctx.services().mapLookup(ctx, map, key);
    }

    /** {@code long bpf_map_update_elem(map, key, value, flags)}: 0 or {@code -errno}. */
    static long update(CallContext ctx, long map, long key, long value, long flags, long r5) {
        return ctx.services().mapUpdate(ctx, map, key, value, flags);
    }

    /** {@code long bpf_map_delete_elem(map, key)}: 0 or {@code -errno}. */
    static long delete(CallContext ctx, long map, long key, long r3, long r4, long r5) {
        return ctx.services().mapDelete(ctx, map, key);
    }
}
