package dev.kbpf.verifier;

import dev.kbpf.api.ProgType;

import java.util.ArrayList;
import java.util.List;

import static dev.kbpf.api.Errno.*;
import static dev.kbpf.verifier.AluCases.TRAP;
import static dev.kbpf.verifier.AluCases.unpriv;
import static dev.kbpf.verifier.Case.*;

/** Maps: lookup and null checks tracked by id, value bounds, variable offsets, read-only maps (selftests map_ptr*.c, value*.c, array_access.c). */
final class MapCases {
    private MapCases() {}

    /** Looks up key 0 (8 bytes at fp-8) in map_hash_8b; r0 = value or null. */
    static final String LOOKUP8 = "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 1; ";
    /** Looks up key 0 (4 bytes at fp-4) in map_array_48b. */
    static final String LOOKUP48 = "stw [%r10-4], 0; mov %r2, %r10; add %r2, -4; ldmap %r1, 2; call 1; ";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(accept("lookup, null check, read", LOOKUP8 + "jeq %r0, 0, +1; ldxdw %r0, [%r0+0]; mov %r0, 0; exit",
                "R0_w=map_value_or_null(id=1,map=map_hash_8b,ks=8,vs=8)"));
        c.add(accept("non-null branch in the log", LOOKUP8 + "jne %r0, 0, +2; mov %r0, 0; exit; ldxdw %r0, [%r0+0]; exit",
                "from 6 to 9: R0=map_value(map=map_hash_8b,ks=8,vs=8) R10=fp0 fp-8=00000000").level(1));
        c.add(reject("lookup without null check", LOOKUP8 + "ldxdw %r0, [%r0+0]; exit", EACCES, "R0 invalid mem access 'map_value_or_null'"));
        c.add(accept("null check with jne", LOOKUP8 + "jne %r0, 0, +2; mov %r0, 0; exit; stdw [%r0+0], 1; mov %r0, 0; exit"));
        c.add(accept("null check on copy settles original", LOOKUP8 + "mov %r6, %r0; jeq %r0, 0, +1; ldxdw %r1, [%r6+0]; mov %r0, 0; exit"));
        c.add(accept("null check on original settles copy", LOOKUP8 + "mov %r6, %r0; jeq %r6, 0, +1; ldxdw %r1, [%r0+0]; mov %r0, 0; exit"));
        c.add(reject("null side is scalar zero", LOOKUP8 + "jne %r0, 0, +1; ldxdw %r0, [%r0+0]; mov %r0, 0; exit", EACCES, "R0 invalid mem access 'scalar'"));
        c.add(reject("two lookups, wrong one checked", LOOKUP8 + "mov %r6, %r0; " + LOOKUP8 + "jeq %r0, 0, +1; ldxdw %r1, [%r6+0]; mov %r0, 0; exit",
                EACCES, "R6 invalid mem access 'map_value_or_null'"));
        c.add(reject("compare with non-zero keeps maybe-null", LOOKUP8 + "jeq %r0, 1, +1; ldxdw %r1, [%r0+0]; mov %r0, 0; exit", EACCES,
                "R0 invalid mem access 'map_value_or_null'"));
        c.add(reject("jmp32 is no null check", LOOKUP8 + "jeq32 %r0, 0, +1; ldxdw %r1, [%r0+0]; mov %r0, 0; exit", EACCES,
                "R0 invalid mem access 'map_value_or_null'"));
        c.add(reject("value read out of bounds", LOOKUP8 + "jeq %r0, 0, +1; ldxdw %r0, [%r0+8]; mov %r0, 0; exit", EACCES,
                "invalid access to map value, value_size=8 off=8 size=8"));
        c.add(reject("value read before start", LOOKUP8 + "jeq %r0, 0, +1; ldxdw %r0, [%r0-8]; mov %r0, 0; exit", EACCES,
                "invalid access to map value, value_size=8 off=-8 size=8"));
        c.add(reject("value offsets accumulate", LOOKUP8 + "jeq %r0, 0, +2; add %r0, 4; ldxw %r0, [%r0+4]; mov %r0, 0; exit", EACCES,
                "invalid access to map value, value_size=8 off=8 size=4"));
        c.add(reject("map value or null arithmetic", LOOKUP8 + "add %r0, 8; mov %r0, 0; exit", EACCES,
                "R0 pointer arithmetic on map_value_or_null prohibited, null-check it first"));
        c.add(accept("bounded index into array value", LOOKUP48 + "jeq %r0, 0, +5; ldxw %r1, [%r0+0]; and %r1, 7; lsh %r1, 2; add %r0, %r1; ldxw %r0, [%r0+0]; "
                + "mov %r0, 0; exit"));
        c.add(reject("signed index may be negative", LOOKUP48 + "jeq %r0, 0, +6; ldxdw %r1, [%r0+0]; jsgt %r1, 10, +4; jslt %r1, -8, +3; add %r0, %r1; "
                + "ldxb %r0, [%r0+0]; mov %r0, 0; exit", EACCES, "R0 min value is negative, either use unsigned index or do a if (index >=0) check."));
        c.add(reject("index may reach the end", LOOKUP48 + "jeq %r0, 0, +5; ldxw %r1, [%r0+0]; jgt %r1, 48, +3; add %r0, %r1; ldxw %r0, [%r0+0]; "
                + "mov %r0, 0; exit", EACCES, "invalid access to map value, value_size=48 off=48 size=4", "R0 max value is outside of the allowed memory range"));
        c.add(reject("unbounded index", LOOKUP48 + "jeq %r0, 0, +4; ldxw %r1, [%r0+0]; add %r0, %r1; ldxb %r0, [%r0+0]; mov %r0, 0; exit", EACCES,
                "R0 unbounded memory access, make sure to bounds check any such access"));
        c.add(accept("index checked against the size", LOOKUP48 + "jeq %r0, 0, +5; ldxw %r1, [%r0+0]; jgt %r1, 44, +3; add %r0, %r1; ldxw %r0, [%r0+0]; "
                + "mov %r0, 0; exit"));
        c.add(accept("store into map value", LOOKUP8 + "jeq %r0, 0, +2; mov %r1, 5; stxdw [%r0+0], %r1; mov %r0, 0; exit"));
        c.add(unpriv(reject("pointer stored into map", LOOKUP8 + "jeq %r0, 0, +1; stxdw [%r0+0], %r10; mov %r0, 0; exit", EACCES, "R10 leaks addr into map")));
        c.add(accept("pointer stored into map privileged", LOOKUP8 + "jeq %r0, 0, +1; stxdw [%r0+0], %r10; mov %r0, 0; exit"));
        c.add(accept("direct map value access", "ldmapval %r1, 2, 8; ldxw %r0, [%r1+0]; exit", "map[id:2][0]+8"));
        c.add(reject("direct map value out of range", "ldmapval %r1, 2, 48; mov %r0, 0; exit", EINVAL, "invalid access to map value pointer, value_size=48 off=48"));
        c.add(reject("direct value of a hash map", "ldmapval %r1, 1, 0; mov %r0, 0; exit", EINVAL, "no direct value access support for this map type"));
        c.add(reject("direct value read past end", "ldmapval %r1, 2, 40; ldxdw %r0, [%r1+8]; exit", EACCES, "invalid access to map value, value_size=48 off=48 size=8"));
        c.add(reject("unknown map fd", "ldmap %r1, 99; mov %r0, 0; exit", EBADF, "fd 99 is not pointing to valid bpf_map"));
        c.add(reject("write into read-only map", "ldmapval %r1, 4, 0; stdw [%r1+0], 1; mov %r0, 0; exit", EACCES, "write into map forbidden, value_size=16 off=0 size=8"));
        c.add(accept("read-only map reads are constants", "ldmapval %r1, 4, 12; ldxw %r0, [%r1+0]; jeq %r0, 42, +2; " + TRAP + "; exit"));
        c.add(accept("map pointer survives spill", "ldmap %r1, 1; stxdw [%r10-16], %r1; stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldxdw %r1, [%r10-16]; "
                + "call 1; mov %r0, 0; exit"));
        c.add(reject("map pointer is not memory", "ldmap %r1, 1; ldxdw %r0, [%r1+0]; exit", EACCES, "R1 invalid mem access 'map_ptr'"));
        c.add(accept("map value key for another lookup", LOOKUP8 + "jeq %r0, 0, +4; mov %r2, %r0; ldmap %r1, 1; call 1; mov %r0, 0; exit"));
        c.add(accept("update with stack key and value", "stdw [%r10-8], 0; stdw [%r10-16], 7; mov %r2, %r10; add %r2, -8; mov %r3, %r10; add %r3, -16; "
                + "mov %r4, 0; ldmap %r1, 1; call 2; exit"));
        c.add(reject("update with uninit value", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; mov %r3, %r10; add %r3, -16; "
                + "mov %r4, 0; ldmap %r1, 1; call 2; exit", EACCES, "invalid indirect read from stack R3 off -16+0 size 8").withoutPerfmon());
        c.add(accept("delete", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 3; exit"));
        c.add(reject("lookup with uninit key", "mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 1; mov %r0, 0; exit", EACCES,
                "invalid indirect read from stack R2 off -8+0 size 8").withoutPerfmon());
        c.add(reject("lookup with half-init key", "stw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 1; call 1; mov %r0, 0; exit", EACCES,
                "invalid indirect read from stack R2 off -8+4 size 8").withoutPerfmon());
        c.add(reject("key too close to fp", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -4; ldmap %r1, 1; call 1; mov %r0, 0; exit", EACCES,
                "invalid indirect access to stack R2 off=-4 size=8"));
        c.add(reject("lookup with stack as map", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; mov %r1, %r10; call 1; mov %r0, 0; exit", EACCES,
                "R1 type=fp expected=map_ptr"));
        c.add(reject("lookup with scalar as map", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; mov %r1, 0; call 1; mov %r0, 0; exit", EACCES,
                "R1 type=scalar expected=map_ptr"));
        c.add(reject("lookup with scalar key", "mov %r2, 0; ldmap %r1, 1; call 1; mov %r0, 0; exit", EACCES,
                "R2 type=scalar expected=fp, map_key, map_value, mem"));
        c.add(reject("lookup with ctx key", "mov %r2, %r1; ldmap %r1, 1; call 1; mov %r0, 0; exit", EACCES, "R2 type=ctx expected=fp, map_key, map_value, mem"));
        c.add(reject("lookup in a ring buffer", "stdw [%r10-8], 0; mov %r2, %r10; add %r2, -8; ldmap %r1, 3; call 1; mov %r0, 0; exit", EINVAL,
                "cannot pass map_type 27 into func bpf_map_lookup_elem#1"));
        c.add(reject("lookup in a prog array", "stw [%r10-4], 0; mov %r2, %r10; add %r2, -4; ldmap %r1, 5; call 1; mov %r0, 0; exit", EINVAL,
                "cannot pass map_type 3 into func bpf_map_lookup_elem#1"));
        c.add(accept("per-thread counter with atomic add", "call 14; stxw [%r10-4], %r0; mov %r2, %r10; add %r2, -4; ldmap %r1, 7; call 1; "
                + "jeq %r0, 0, +2; mov %r1, 1; lock add [%r0+0], %r1; mov %r0, 0; exit"));
        c.add(reject("atomic on read-only map", "ldmapval %r1, 4, 0; mov %r2, 1; lock add [%r1+0], %r2; mov %r0, 0; exit", EACCES, "write into map forbidden"));
        c.add(accept("strict alignment off: unaligned value read", LOOKUP48 + "jeq %r0, 0, +1; ldxw %r1, [%r0+1]; mov %r0, 0; exit"));
        c.add(reject("strict alignment on: unaligned value read", LOOKUP48 + "jeq %r0, 0, +1; ldxw %r1, [%r0+1]; mov %r0, 0; exit", EACCES,
                "misaligned value access off (0x0; 0x0)+0+1 size 4").flags(dev.kbpf.api.LoadFlags.BPF_F_STRICT_ALIGNMENT));
        c.add(accept("xdp can use maps", LOOKUP8 + "mov %r0, 2; exit").type(ProgType.XDP));
        return c;
    }
}
