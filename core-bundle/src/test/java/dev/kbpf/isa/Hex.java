package dev.kbpf.isa;

import java.util.HexFormat;

/** Test helper: bytes from and to spaced hex ({@code "b7 00 00 00 01 00 00 00"}). */
final class Hex {
    private Hex() {}

    static byte[] bytes(String spaced) { return HexFormat.of().parseHex(spaced.replaceAll("\\s+", "")); }

    static String of(byte[] b) { return HexFormat.ofDelimiter(" ").formatHex(b); }
}
