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
 * {@code 01 00 00 00}, which is the little-endian u32 1). So {@code 01 00 00 00},
 * {@code 0x01 0x00 0x00 0x00}, {@code 01000000} and {@code 0x01000000} all mean the same four bytes.
 * Unlike bpftool, plain tokens are never decimal.
 */
public final class Hex {
    private Hex() {}

    private static final HexFormat SPACED = HexFormat.ofDelimiter(" ");

    /** The bytes of the tokens, concatenated; {@code EINVAL} naming the bad token otherwise. */
    public static byte[] parse(List<String> tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String token : tokens) {
            byte[] b = parseToken(token);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    public static byte[] parse(String... tokens) { return parse(List.of(tokens)); }

    private static byte[] parseToken(String token) {
        String t = token.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) t = t.substring(2);
        t = t.replace("_", "");
        if (t.isEmpty()) throw new BpfException(Errno.EINVAL, "'" + token + "' is not hex bytes");
        if (t.length() % 2 != 0)
            throw new BpfException(Errno.EINVAL, "'" + token + "' has an odd number of hex digits: write whole bytes, e.g. 01 00 00 00 or 0x01000000");
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
