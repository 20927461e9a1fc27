package dev.kbpf.shell.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementsTest {

    @Test
    void splitsAtSemicolonsAndNewlines() {
        assertEquals(List.of("lb", "bpf:prog list", "echo x"), Statements.split("lb; bpf:prog list\n\necho x;"));
    }

    @Test
    void keepsSeparatorsInsideQuotesAndBrackets() {
        assertEquals(List.of("echo 'a;b'", "each [1 2] { echo $it; echo ; }", "format (lb)"),
                Statements.split("echo 'a;b'; each [1 2] { echo $it; echo ; }\nformat (lb)"));
    }

    @Test
    void skipsCommentLines() {
        assertEquals(List.of("lb", "echo a#b"), Statements.split("# a script\nlb\n  # indented comment; not a command\necho a#b"));
    }
}
