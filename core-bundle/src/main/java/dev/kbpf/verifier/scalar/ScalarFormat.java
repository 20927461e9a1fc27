package dev.kbpf.verifier.scalar;

/**
 * The verifier log's text for scalars, as kernel/bpf/log.c prints it: {@code verbose_snum},
 * {@code verbose_unum}, {@code print_scalar_ranges} and the scalar case of {@code print_reg_state}.
 */
final class ScalarFormat {
    private ScalarFormat() {}

    /** Kernel {@code verbose_unum}: decimal up to 65535 (U16_MAX), {@code %#llx} above. */
    static String unum(long v) {
        if (Long.compareUnsigned(v, 0xffff) <= 0) {
            return Long.toString(v);
        }
        return "0x" + Long.toHexString(v);
    }

    /** Kernel {@code verbose_snum}: decimal within [S16_MIN, S16_MAX], {@code %#llx} outside. */
    static String snum(long v) {
        if (isSnumDecimal(v)) {
            return Long.toString(v);
        }
        return "0x" + Long.toHexString(v);
    }

    private static boolean isSnumDecimal(long v) {
        return v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
    }

    /** A register state: a constant as its value, otherwise {@code scalar(...)}. */
    static String format(Scalar s) {
        if (s.varOff().isConst()) {
            return snum(s.varOff().value());
        }
        StringBuilder sb = new StringBuilder("scalar(");
        appendRanges(sb, s, false);
        return sb.append(')').toString();
    }

    /**
     * Appends the ranges and var_off of a non-constant scalar as {@code print_reg_state} does after
     * the other attributes ({@code id=} and the like). Bounds equal to their type's extreme are
     * left out; a bound equal to later ones of the same kind (min or max) is printed once under all
     * their names, e.g. {@code smin=umin=smin32=umin32=0}, but never mixing a negative signed value
     * with a non-negative one. A signed 32-bit bound outside [S16_MIN, S16_MAX] is compared and
     * printed as its unsigned 32-bit bits, so that hex never shows a misleading sign extension.
     *
     * @param leadingComma whether something was printed before (then a comma comes first)
     * @return whether anything was appended
     */
    static boolean appendRanges(StringBuilder sb, Scalar s, boolean leadingComma) {
        String[] names = {"smin", "smax", "umin", "umax", "smin32", "smax32", "umin32", "umax32"};
        long[] vals = {
            s.smin(), s.smax(), s.umin(), s.umax(),
            isSnumDecimal(s.s32min()) ? (long) s.s32min() : Bounds.u32(s.s32min()),
            isSnumDecimal(s.s32max()) ? (long) s.s32max() : Bounds.u32(s.s32max()),
            Bounds.u32(s.u32min()), Bounds.u32(s.u32max()),
        };
        boolean[] omit = {
            s.smin() == Long.MIN_VALUE, s.smax() == Long.MAX_VALUE, s.umin() == 0, s.umax() == -1L,
            s.s32min() == Integer.MIN_VALUE, s.s32max() == Integer.MAX_VALUE, s.u32min() == 0, s.u32max() == -1,
        };
        String sep = leadingComma ? "," : "";
        boolean any = false;
        for (int i = 0; i < names.length; i++) {
            if (omit[i]) {
                continue;
            }
            boolean signed1 = names[i].charAt(0) == 's';
            boolean neg1 = signed1 && vals[i] < 0;
            sb.append(sep).append(names[i]).append('=');
            sep = ",";
            any = true;
            for (int j = i + 2; j < names.length; j += 2) {
                if (omit[j] || vals[j] != vals[i]) {
                    continue;
                }
                boolean neg2 = names[j].charAt(0) == 's' && vals[j] < 0;
                if (neg2 != neg1) {
                    continue;
                }
                omit[j] = true;
                sb.append(names[j]).append('=');
            }
            sb.append(signed1 ? snum(vals[i]) : unum(vals[i]));
        }
        if (!s.varOff().isUnknown()) {
            sb.append(sep).append("var_off=").append(s.varOff());
            any = true;
        }
        return any;
    }
}
