package dev.kbpf.isa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One bpf_conformance {@code .data} test file, parsed the way upstream's
 * {@code parse_test_file} does (see {@code ../shared/conformance/FORMAT.md} section 1).
 *
 * <p>Lines are cut at {@code #}; a line containing {@code --} selects the section by substring
 * ({@code asm}, {@code result}, {@code mem}, {@code raw}, {@code no register offset},
 * {@code " c"}, {@code error}, tested in that order); any other directive makes upstream skip the
 * whole file, which {@link #skipReason()} reports. Use {@link #program()} for the instructions.
 *
 * @param asm         the {@code -- asm} section, with every line of the file that is not part of
 *                    it blanked, so that {@link AsmException#line()} is the line in the file
 * @param raw         the {@code -- raw} words (each one little-endian instruction slot); empty if
 *                    the file has none, in which case {@code asm} is the program
 * @param memory      the {@code -- mem} bytes (empty if none); the array is owned by this record
 * @param result      the expected final r0 ({@code -- result}, last line wins), if given
 * @param error       the expected error text ({@code -- error}, last line wins), if given
 * @param skipReason  why upstream's runner would skip this file (unknown directive, neither
 *                    result nor error), or empty if it runs; a program with no instruction is
 *                    skipped too, which only {@link #program()} can tell
 */
public record ConformanceTestFile(String asm, List<Long> raw, byte[] memory, OptionalLong result,
                                  Optional<String> error, Optional<String> skipReason) {

    /** Checks for nulls and freezes the raw list. */
    public ConformanceTestFile {
        Objects.requireNonNull(asm, "asm");
        raw = List.copyOf(raw);
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(skipReason, "skipReason");
    }

    private enum Section { IGNORE, ASM, RAW, RESULT, MEMORY, ERROR }

    /**
     * Parses the text of a {@code .data} file.
     *
     * @throws AsmException naming the line, for a {@code -- mem}, {@code -- raw} or
     *                      {@code -- result} token that is not a number of the right kind (upstream
     *                      would stop reading or throw); assembly errors surface only in {@link #program()}
     */
    public static ConformanceTestFile parse(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder asm = new StringBuilder();
        List<Long> raw = new ArrayList<>();
        ByteList memory = new ByteList();
        String resultText = null, errorText = null;
        int resultLine = 0;
        Section section = Section.IGNORE;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            if (line.contains("--")) {
                asm.append('\n');
                Section next = directive(line);
                if (next == null) {
                    return new ConformanceTestFile("", List.of(), new byte[0], OptionalLong.empty(), Optional.empty(),
                            Optional.of("Unknown directive " + line.strip() + " on line " + lineNo));
                }
                section = next;
                continue;
            }
            asm.append(section == Section.ASM ? line : "").append('\n');
            if (line.isEmpty()) continue;
            switch (section) {
                case RESULT -> { resultText = line; resultLine = lineNo; }
                case ERROR -> errorText = line.stripTrailing();
                case MEMORY -> { for (String t : tokens(line)) memory.add(memoryByte(t, lineNo)); }
                case RAW -> { for (String t : tokens(line)) raw.add(rawWord(t, lineNo)); }
                default -> { }
            }
        }
        Optional<String> skip = Optional.empty();
        boolean noError = errorText == null || errorText.isEmpty();
        if (noError && resultText == null) skip = Optional.of("No result or error in test file");
        OptionalLong result = resultText == null ? OptionalLong.empty() : OptionalLong.of(resultValue(resultText, resultLine));
        return new ConformanceTestFile(asm.toString().stripTrailing(), raw, memory.toArray(), result,
                Optional.ofNullable(errorText), skip);
    }

    /** The program: the {@code -- raw} words if present, else the assembled {@code -- asm} section. */
    public List<Insn> program() {
        if (raw.isEmpty()) return Assembler.assemble(asm);
        List<Insn> out = new ArrayList<>(raw.size());
        for (long w : raw) {
            out.add(new Insn((int) (w & 0xff), (int) (w >>> 8) & 0xf, (int) (w >>> 12) & 0xf, (short) (w >>> 16), (int) (w >>> 32)));
        }
        return List.copyOf(out);
    }

    /** The value r0 must hold at exit: the {@code -- result}, or 0 if only an error is expected (as upstream). */
    public long expectedResult() { return result.orElse(0); }

    /** True if upstream's runner would skip this file without running it (see {@link #skipReason()}). */
    public boolean skipped() { return skipReason.isPresent(); }

    /** Section chosen by a directive line, in upstream's order of substring tests; null if unknown. */
    private static Section directive(String line) {
        if (line.contains("asm")) return Section.ASM;
        if (line.contains("result")) return Section.RESULT;
        if (line.contains("mem")) return Section.MEMORY;
        if (line.contains("raw")) return Section.RAW;
        if (line.contains("no register offset")) return Section.IGNORE;
        if (line.contains(" c")) return Section.IGNORE;
        if (line.contains("error")) return Section.ERROR;
        return null;
    }

    private static String[] tokens(String line) {
        String s = line.strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }

    /** A {@code -- mem} token: hex, optional {@code 0x}; must be one byte (upstream silently truncates). */
    private static byte memoryByte(String token, int line) {
        String digits = token.startsWith("0x") || token.startsWith("0X") ? token.substring(2) : token;
        if (digits.isEmpty() || digits.length() > 2 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new AsmException(line, "Invalid memory byte: " + token);
        }
        return (byte) Integer.parseInt(digits, 16);
    }

    /** A {@code -- raw} token: {@code 0x} hex or decimal, unsigned 64-bit. */
    private static long rawWord(String token, int line) {
        try {
            return token.startsWith("0x") ? Long.parseUnsignedLong(token.substring(2), 16) : Long.parseUnsignedLong(token);
        } catch (NumberFormatException e) {
            throw new AsmException(line, "Invalid raw instruction: " + token);
        }
    }

    /** The {@code -- result} line: hex if it contains {@code 0x}, else decimal (a leading {@code -} wraps, as stoull does). */
    private static long resultValue(String text, int line) {
        String s = text.strip();
        try {
            int x = s.indexOf("0x");
            if (x >= 0) {
                if (x != 0) throw new NumberFormatException();
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new AsmException(line, "Invalid result: " + s);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConformanceTestFile t && asm.equals(t.asm) && raw.equals(t.raw) && Arrays.equals(memory, t.memory)
                && result.equals(t.result) && error.equals(t.error) && skipReason.equals(t.skipReason);
    }

    @Override
    public int hashCode() { return Objects.hash(asm, raw, Arrays.hashCode(memory), result, error, skipReason); }

    @Override
    public String toString() {
        return "ConformanceTestFile[" + (raw.isEmpty() ? "asm" : raw.size() + " raw words") + ", " + memory.length
                + " memory bytes, result=" + result + ", error=" + error + ", skipReason=" + skipReason + "]";
    }

    /** A growable byte array, to avoid boxing every memory byte. */
    private static final class ByteList {
        private byte[] a = new byte[64];
        private int n;

        void add(byte b) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = b;
        }

        byte[] toArray() { return Arrays.copyOf(a, n); }
    }
}
