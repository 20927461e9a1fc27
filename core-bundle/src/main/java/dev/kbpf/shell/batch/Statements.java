package dev.kbpf.shell.batch;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Gogo command line or script into top-level statements at {@code ;} and newlines, so
 * that each statement's result is printed (Gogo itself returns only the last one). Separators
 * inside quotes, {@code ( )}, {@code { }} and {@code [ ]} belong to the statement; {@code #}
 * at the start of a statement begins a comment that runs to the end of the line.
 */
final class Statements {
    private Statements() {}

    static List<String> split(CharSequence text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        boolean comment = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (comment) {
                if (c == '\n') comment = false;
                continue;
            }
            if (quote != 0) {
                cur.append(c);
                if (c == '\\' && i + 1 < text.length()) cur.append(text.charAt(++i));
                else if (c == quote) quote = 0;
                continue;
            }
            switch (c) {
                case '\'', '"' -> { quote = c; cur.append(c); }
                case '(', '{', '[' -> { depth++; cur.append(c); }
                case ')', '}', ']' -> { depth = Math.max(0, depth - 1); cur.append(c); }
                case '#' -> {
                    if (depth == 0 && cur.toString().isBlank()) comment = true;
                    else cur.append(c);
                }
                case ';', '\n' -> {
                    if (depth == 0) flush(cur, out);
                    else cur.append(c);
                }
                default -> cur.append(c);
            }
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) out.add(s);
        cur.setLength(0);
    }
}
