package dev.kbpf.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The positional words of a sub-command ({@code prog show 7}), read left to right. Missing or
 * malformed words fail with a {@link CommandException} that names what was expected and shows the
 * command's usage.
 */
final class Args {

    private final List<String> words;
    private final String usage;
    private int pos;

    Args(String[] words, String usage) {
        this.words = words == null ? List.of() : Arrays.asList(words);
        this.usage = usage;
    }

    boolean hasNext() { return pos < words.size(); }

    String peek() { return hasNext() ? words.get(pos) : null; }

    /** The next word, lower-cased: a sub-command name. */
    String nextKeyword(String what) { return next(what).toLowerCase(Locale.ROOT); }

    String next(String what) {
        if (!hasNext()) throw usageError("missing " + what);
        return words.get(pos++);
    }

    int nextId(String what) {
        String w = next(what);
        // bpftool writes "prog show id 7": accept the keyword
        if (w.equalsIgnoreCase("id") && hasNext()) w = words.get(pos++);
        try {
            int id = Integer.parseInt(w);
            if (id < 0) throw new NumberFormatException();
            return id;
        } catch (NumberFormatException e) {
            throw usageError("'" + w + "' is not a " + what + " (a number like 7)");
        }
    }

    /** Every word not read yet. */
    List<String> rest() {
        List<String> r = new ArrayList<>(words.subList(pos, words.size()));
        pos = words.size();
        return r;
    }

    void end() {
        if (hasNext()) throw usageError("unexpected '" + words.get(pos) + "'");
    }

    CommandException usageError(String problem) {
        return new CommandException(problem + "\nusage: " + usage);
    }

    static int parseInt(String text, String what) {
        try {
            return Integer.decode(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandException("'" + text + "' is not a number for " + what);
        }
    }
}
