package dev.kbpf.shell.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A plain-text table with a header line and left-aligned columns two spaces apart, as
 * {@code lb} and {@code scr:list} print them. The last column is not padded, so a long last
 * value (a message, a path) does not widen the other lines.
 */
public final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private TextTable(List<String> header) { this.header = List.copyOf(header); }

    public static TextTable of(String... header) {
        if (header.length == 0) throw new IllegalArgumentException("a table needs at least one column");
        return new TextTable(Arrays.asList(header));
    }

    /** Adds a line; {@code null} cells print as {@code -}. */
    public TextTable row(Object... cells) {
        if (cells.length != header.size())
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size() + " columns");
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) r.add(c == null ? "-" : Objects.toString(c));
        rows.add(r);
        return this;
    }

    public int size() { return rows.size(); }

    @Override
    public String toString() {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> r : rows) width[c] = Math.max(width[c], r.get(c).length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (List<String> r : rows) line(sb, r, width);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        int start = sb.length();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            sb.append(cell);
            if (c < cells.size() - 1) sb.append(" ".repeat(width[c] - cell.length() + 2));
        }
        // no trailing blanks when the last cells are empty
        int end = sb.length();
        while (end > start && sb.charAt(end - 1) == ' ') end--;
        sb.setLength(end);
        sb.append('\n');
    }
}
