package dev.kbpf.verifier;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every verifier case of the project's table. */
class VerifierCasesTest {

    static List<Case> all() {
        List<Case> all = new ArrayList<>();
        all.addAll(StructureCases.cases());
        all.addAll(AluCases.cases());
        all.addAll(StackCases.cases());
        all.addAll(CtxCases.cases());
        all.addAll(MapCases.cases());
        all.addAll(HelperCases.cases());
        all.addAll(RefCases.cases());
        all.addAll(LoopCases.cases());
        all.addAll(CallCases.cases());
        all.addAll(PrivLogCases.cases());
        return all;
    }

    @TestFactory
    Stream<DynamicTest> cases() {
        return all().stream().map(c -> DynamicTest.dynamicTest(c.name, c::verify));
    }

    @Test
    void atLeast250Cases() {
        assertTrue(all().size() >= 250, "cases: " + all().size());
    }

    @Test
    void namesAreUnique() {
        Set<String> seen = new HashSet<>();
        for (Case c : all()) assertTrue(seen.add(c.name), "duplicate case name " + c.name);
    }
}
