package dev.kbpf.helpers.tracing;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.Errno;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The BPF printf: Linux's checks (bpf_bprintf_prepare) and output (vsprintf's number/string/pointer). */
class BprintfTest {
    private final FakeContext ctx = new FakeContext(4096);

    private String fmt(String format, long... args) {
        Bprintf.Formatted f = Bprintf.format(ctx, format.getBytes(StandardCharsets.US_ASCII), args, args.length, 4096);
        assertEquals(f.length(), f.bytes().length);
        return new String(f.bytes(), StandardCharsets.UTF_8);
    }

    private Errno refused(String format, long... args) {
        return assertThrows(FormatException.class,
                () -> Bprintf.format(ctx, format.getBytes(StandardCharsets.ISO_8859_1), args, args.length, 4096)).errno();
    }

    private long cstr(long addr, String s) { return ctx.put(addr, (s + "\0").getBytes(StandardCharsets.UTF_8)); }

    @ParameterizedTest(name = "[{0}] of {1} -> [{2}]")
    @CsvSource(delimiter = ';', value = {
        "%d;-5;-5", "%i;7;7", "%u;-1;4294967295", "%x;255;ff", "%X;255;FF", "%d;4294967301;5",
        "%ld;-5;-5", "%li;-5;-5", "%lu;-1;18446744073709551615", "%llu;-1;18446744073709551615",
        "%llx;-1;ffffffffffffffff", "%lld;-9223372036854775808;-9223372036854775808", "%lX;48879;BEEF",
        "%5d;42;'   42'", "%-5d|;42;42   |", "%05d;-42;-0042", "%+d;5;+5", "'% d';5;' 5'", "%+u;5;5", "%+d;-5;-5",
        "%08x;48879;0000beef", "%-08x|;48879;beef    |", "%0-8d|;3;3       |", "%1d;123;123",
        "%c;65;A", "%3c;65;'  A'", "%-3c|;65;A  |", "%c;321;A",
        "100%%;0;100%", "%%d;0;%d", "a%db;1;a1b",
    })
    void numbersAndCharacters(String format, long arg, String expected) {
        assertEquals(expected, fmt(format, arg));
    }

    @Test
    void strings() {
        long s = cstr(FakeContext.BASE + 100, "abc");
        assertEquals("[abc]", fmt("[%s]", s));
        assertEquals("[     abc]", fmt("[%8s]", s));
        assertEquals("[abc     ]", fmt("[%-8s]", s));
        assertEquals("[     abc]", fmt("[%08s]", s), "strings pad with spaces even with 0");
        assertEquals("[abc] [abc]", fmt("[%pks] [%pus]", s, s));
        assertEquals("[]", fmt("[%s]", 0), "an unreadable string prints as nothing");
        assertEquals("[]", fmt("[%s]", 0x1234));
        assertEquals("abc\n", fmt("%s\n", s));
        assertEquals("abc abc", fmt("%s %s", s, s));
    }

    @Test
    void pointers() {
        assertEquals("0000000000000000", fmt("%p", 0), "NULL prints as it is");
        assertEquals(String.format("%016x", -22L), fmt("%p", -22), "error values print as they are");
        assertEquals("0000000000001234", fmt("%px", 0x1234));
        assertEquals("    1234", fmt("%8px", 0x1234), "a width replaces the 16 zero-padded digits");
        String hashed = fmt("%p", 0x1234);
        assertTrue(hashed.matches("00000000[0-9a-f]{8}"), hashed);
        assertEquals(String.format("%016x", Bprintf.hash(0x1234)), hashed);
        assertNotEquals(hashed, fmt("%p", 0x1235));
        assertEquals(hashed, fmt("%pK", 0x1234));
        assertEquals("0xabc 0xabc 0xabc", fmt("%ps %pS %pB", 0xabc, 0xabc, 0xabc));
        assertEquals(hashed + " x", fmt("%p x", 0x1234));
        assertEquals(hashed + ".", fmt("%p.", 0x1234));
        assertEquals("0000000000001234!", fmt("%pxabc!", 0x1234), "letters after a pointer conversion belong to it, as in vsprintf");
    }

    @Test
    void ipAddresses() {
        long v4 = ctx.put(FakeContext.BASE + 200, new byte[] {(byte) 192, (byte) 168, 0, 1});
        byte[] six = new byte[16];
        six[0] = 0x20; six[1] = 0x01; six[2] = 0x0d; six[3] = (byte) 0xb8; six[15] = 1;
        long v6 = ctx.put(FakeContext.BASE + 300, six);
        assertEquals("192.168.0.1", fmt("%pI4", v4));
        assertEquals("192.168.000.001", fmt("%pi4", v4));
        assertEquals("2001:0db8:0000:0000:0000:0000:0000:0001", fmt("%pI6", v6));
        assertEquals("20010db8000000000000000000000001", fmt("%pi6", v6));
        assertEquals("0.0.0.0", fmt("%pI4", 0), "unreadable: zeros");
        assertEquals("[    192.168.0.1]", fmt("[%15pI4]", v4));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = ';', value = {
        "%q", "%hd", "%.2d", "%*d", "%lc", "%ls", "%Ld", "%zu", "%pZ", "%pi5", "%sx", "%pksx", "%#x", "%", "%l", "%5", "%-",
    })
    void formatsLinuxRefusesAreEinval(String format) {
        assertEquals(Errno.EINVAL, refused(format, 1, 2, 3));
    }

    @Test
    void moreConversionsThanArgumentsIsEinval() {
        assertEquals(Errno.EINVAL, refused("%d %d %d %d", 1, 2, 3));
        assertEquals(Errno.EINVAL, refused("%d"));
        assertEquals("no conversions", fmt("no conversions"));
    }

    @Test
    void onlyPrintableAsciiAndWhiteSpace() {
        assertEquals(Errno.EINVAL, refused("a\u0001b"));
        assertEquals(Errno.EINVAL, refused("caf\u00e9"));
        assertEquals(Errno.EINVAL, refused("\u007f"));
        assertEquals("tab\there\r\n", fmt("tab\there\r\n"));
    }

    @Test
    void argumentsOverflowingTheArgumentBufferAreEnospc() {
        long s = cstr(FakeContext.BASE + 1000, "x".repeat(100));
        long[] args = new long[12];
        java.util.Arrays.fill(args, s);
        // five strings take 5 * 101 bytes; the sixth is cut to the 6 bytes left (and its NUL); the seventh has no room
        String six = fmt("%s%s%s%s%s%s", java.util.Arrays.copyOf(args, 6));
        assertEquals("x".repeat(506), six);
        assertEquals(Errno.ENOSPC, refused("%s%s%s%s%s%s%s", args));
        // integers are 4-byte aligned: 12 64-bit values take 96 bytes, fine
        assertEquals("1 1 1 1 1 1 1 1 1 1 1 1", fmt("%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        // after 505 bytes of strings, a 64-bit integer needs 8 at 508: no room
        assertEquals(Errno.ENOSPC, refused("%s%s%s%s%s%lld", s, s, s, s, s, 1));
        assertEquals("x".repeat(500) + "7", fmt("%s%s%s%s%s%d", s, s, s, s, s, 7), "a 32-bit one fits at 508");
    }

    @Test
    void outputIsCutToTheCapacityButItsLengthIsCounted() {
        Bprintf.Formatted f = Bprintf.format(ctx, "%8000000d|".getBytes(StandardCharsets.US_ASCII), new long[] {5}, 1, 10);
        assertEquals(8_000_001, f.length());
        assertEquals("          ", new String(f.bytes(), StandardCharsets.US_ASCII));
        Bprintf.Formatted huge = Bprintf.format(ctx, "%999999999d".getBytes(StandardCharsets.US_ASCII), new long[] {5}, 1, 4);
        assertEquals(Bprintf.FIELD_WIDTH_MAX, huge.length(), "widths are clamped to FIELD_WIDTH_MAX");
    }
}
