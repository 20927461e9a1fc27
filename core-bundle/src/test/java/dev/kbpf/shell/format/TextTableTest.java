package dev.kbpf.shell.format;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsAreAlignedAndTheLastIsNotPadded() {
        String t = TextTable.of("ID", "NAME", "NOTE").row(1, "counter", "x").row(12, null, "a long note").toString();
        assertEquals("ID  NAME     NOTE\n1   counter  x\n12  -        a long note\n", t);
    }

    @Test
    void rowsMustMatchTheHeader() {
        assertThrows(IllegalArgumentException.class, () -> TextTable.of("A", "B").row(1));
        assertThrows(IllegalArgumentException.class, TextTable::of);
    }
}
