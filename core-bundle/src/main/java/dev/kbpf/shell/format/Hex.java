package dev.kbpf.shell.format;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Bytes on the command line and in output, as bpftool writes them.
 *
 * <p>Input: every token is hexadecimal, with or without {@code 0x}; a token of two digits is one
 * byte, a longer one is several bytes <em>in memory order</em> ({@code 0x01000000} = bytes
 * {@code 01 00 00 00}, which is the little-endian u32 1), a token of odd length gets a leading 0
 * ({@code 1} = {@code 01}), and a quoted token may hold several ({@code '01 00 00 00'}). So
 * {@code 01 00 00 00}, {@code 0x01 0x00 0x00 0x00}, {@code 0x01000000} and {@code '01 00 00 00'} all
 * mean the same four bytes. Unlike bpftool, plain tokens are never decimal.
 *
 * <p>Gogo hands a command the tokens as written only while every parameter of the command's
 * method is a {@code String} (or a flag): as soon as one needs converting (an {@code int} option),
 * it evaluates all tokens, so that {@code 01} arrives as {@code 1}, {@code 00000001} as {@code 1}
 * and {@code 2d} as the double {@code 2.0}. The commands therefore take only strings; and a token
 * that reads like such a double is refused with a message saying to write {@code 0x2d}, rather
 * than silently turned into other bytes.
 */
public final class Hex {
    private Hex() {}

    private static final HexFormat SPACED = HexFormat.ofDelimiter(" ");

    /** The bytes of the tokens, concatenated; {@code EINVAL} naming the bad token otherwise. */
    public static byte[] parse(List<String> tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String token : tokens) {
            for (String word : token.strip().split("\\s+")) {
                if (word.isEmpty()) continue;
                byte[] b = parseToken(word);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    /** What Gogo makes of a token such as {@code 2d} or {@code 1e5}: a double's text. */
    private static final java.util.regex.Pattern GOGO_DOUBLE = java.util.regex.Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?|Infinity|NaN");

    public static byte[] parse(String... tokens) { return parse(List.of(tokens)); }

    private static byte[] parseToken(String token) {
        String t = token.strip();
        if (GOGO_DOUBLE.matcher(t).matches())
            throw new BpfException(Errno.EINVAL, "'" + token + "' is how the shell reads a token like 2d, 9f or 1e5 (as a number):"
                    + " write such bytes with 0x (0x2d) or quote them ('2d 00 00 00')");
        if (t.startsWith("0x") || t.startsWith("0X")) t = t.substring(2);
        t = t.replace("_", "");
        if (t.isEmpty()) throw new BpfException(Errno.EINVAL, "'" + token + "' is not hex bytes");
        if (t.length() % 2 != 0) t = "0" + t;
        try {
            return HexFormat.of().parseHex(t);
        } catch (IllegalArgumentException e) {
            throw new BpfException(Errno.EINVAL, "'" + token + "' is not hex bytes: each byte is two hex digits, e.g. 01 00 00 00 or 0x01000000");
        }
    }

    /** {@code 01 00 00 00}. */
    public static String spaced(byte[] bytes) { return SPACED.formatHex(bytes); }

    /** {@code 01000000}. */
    public static String plain(byte[] bytes) { return HexFormat.of().formatHex(bytes); }

    /** bpftool's JSON form of bytes: {@code ["0x01","0x00","0x00","0x00"]}. */
    public static List<String> jsonBytes(byte[] bytes) {
        List<String> out = new ArrayList<>(bytes.length);
        for (byte b : bytes) out.add(String.format("0x%02x", b & 0xff));
        return out;
    }
}
