package dev.kbpf.isa;

import java.util.regex.Pattern;

/**
 * Parsing of the operand tokens of the bpf_conformance assembler syntax: registers, 32- and
 * 64-bit immediates, 16-bit offsets and memory operands. Every method throws an
 * {@link OperandException} whose message is the upstream assembler's text for the problem;
 * the {@link Assembler} adds the line number.
 *
 * <p>Numbers follow upstream's rules: a token containing {@code 0x} is hexadecimal and is the
 * unsigned bit pattern of the field (so {@code 0xffffff80} is imm -128 and {@code +0xffff} is
 * offset -1, while a negative hex number is out of range); otherwise it is a decimal that must
 * fit the signed field. Unlike upstream (which uses {@code stoll} and ignores trailing
 * garbage), the whole token must be a number.
 */
final class AsmOperands {
    private AsmOperands() {}

    /** A bad operand; the message is the reason without a line number. */
    static final class OperandException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        OperandException(String reason) { super(reason, null, false, false); }
    }

    private static final Pattern HEX = Pattern.compile("[+-]?0x[0-9a-fA-F]+");
    private static final Pattern DEC = Pattern.compile("[+-]?[0-9]+");

    /** {@code %r0} … {@code %r15} (11-15 exist only so negative tests can encode bad registers). */
    static int register(String token) {
        if (token.startsWith("%r") && token.length() >= 3 && token.length() <= 4) {
            String digits = token.substring(2);
            if (DEC.matcher(digits).matches() && Character.isDigit(digits.charAt(0))
                    && (digits.length() == 1 || digits.charAt(0) != '0')) {
                int n = Integer.parseInt(digits);
                if (n <= 15) return n;
            }
        }
        throw new OperandException("Invalid register: " + token);
    }

    /** True if the token names a register (starts with {@code %}), as upstream decides X vs K forms. */
    static boolean isRegister(String token) { return token.startsWith("%"); }

    /** A 32-bit immediate: hex up to {@code 0xffffffff} (bit pattern) or a decimal fitting s32. */
    static int imm32(String token) {
        if (HEX.matcher(token).matches()) {
            long v = unsignedHex(token, "Immediate out of 32-bit range: ");
            if (v < 0 || v > 0xffffffffL) throw new OperandException("Immediate out of 32-bit range: " + token);
            return (int) v;
        }
        if (DEC.matcher(token).matches()) {
            long v = decimal(token, "Immediate out of 32-bit range: ");
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new OperandException("Immediate out of 32-bit range: " + token);
            return (int) v;
        }
        throw new OperandException("Invalid immediate: " + token);
    }

    /** The 64-bit immediate of {@code lddw}: hex (unsigned 64-bit), negative decimal (s64) or decimal (u64). */
    static long imm64(String token) {
        try {
            if (HEX.matcher(token).matches()) {
                if (token.startsWith("-")) throw new OperandException("Immediate out of 64-bit range: " + token);
                return Long.parseUnsignedLong(token.substring(token.indexOf("0x") + 2), 16);
            }
            if (DEC.matcher(token).matches()) {
                if (token.startsWith("-")) return Long.parseLong(token);
                return Long.parseUnsignedLong(token.startsWith("+") ? token.substring(1) : token);
            }
        } catch (NumberFormatException e) {
            throw new OperandException("Immediate out of 64-bit range: " + token);
        }
        throw new OperandException("Invalid immediate: " + token);
    }

    /** A 16-bit offset: hex up to {@code 0xffff} (bit pattern) or a decimal fitting s16. */
    static short offset(String token) {
        if (HEX.matcher(token).matches()) {
            long v = unsignedHex(token, "Offset out of 16-bit range: ");
            if (v < 0 || v > 0xffff) throw new OperandException("Offset out of 16-bit range: " + token);
            return (short) v;
        }
        if (DEC.matcher(token).matches()) {
            long v = decimal(token, "Offset out of 16-bit range: ");
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) throw new OperandException("Offset out of 16-bit range: " + token);
            return (short) v;
        }
        throw new OperandException("Invalid offset: " + token);
    }

    /** True for a numeric jump target ({@code +N} / {@code -N}); anything else is a label name. */
    static boolean isRelativeTarget(String token) { return token.startsWith("+") || token.startsWith("-"); }

    /** A memory operand {@code [%rN]}, {@code [%rN+off]} or {@code [%rN-off]}. */
    static MemOperand memory(String token) {
        if (!token.startsWith("[") || !token.endsWith("]") || token.length() < 3) {
            throw new OperandException("Failed to decode register and offset: " + token);
        }
        String inner = token.substring(1, token.length() - 1);
        int sign = inner.indexOf('+');
        if (sign < 0) sign = inner.indexOf('-');
        if (sign < 0) return new MemOperand(register(inner), (short) 0);
        return new MemOperand(register(inner.substring(0, sign)), offset(inner.substring(sign)));
    }

    /** A decoded memory operand: base register and signed offset. */
    record MemOperand(int reg, short off) {}

    private static long unsignedHex(String token, String rangeMessage) {
        if (token.startsWith("-")) return -1; // upstream: stoull negates, which is always out of range
        String digits = token.substring(token.indexOf("0x") + 2);
        if (digits.length() > 16) throw new OperandException(rangeMessage + token);
        try {
            long v = Long.parseUnsignedLong(digits, 16);
            return v < 0 ? Long.MAX_VALUE : v; // above 2^63: certainly out of any field's range
        } catch (NumberFormatException e) {
            throw new OperandException(rangeMessage + token);
        }
    }

    private static long decimal(String token, String rangeMessage) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) { // more than 19 digits: out of range for every field
            throw new OperandException(rangeMessage + token);
        }
    }
}
