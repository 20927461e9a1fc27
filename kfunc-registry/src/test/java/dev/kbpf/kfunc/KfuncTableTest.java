package dev.kbpf.kfunc;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncFlag;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import dev.kbpf.spi.RetType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KfuncTableTest {
    private final List<String> warnings = new ArrayList<>();
    private final KfuncTable table = new KfuncTable(warnings::add);

    private static BpfKfunc kfunc(String name) {
        return new BpfKfunc(new KfuncDescriptor(name, FunctionProto.of(RetType.VOID, ArgType.PTR_TO_CONST_STR),
                Set.of(KfuncFlag.KF_DESTRUCTIVE), Set.of(ProgType.TRACEPOINT)), (ctx, a, b, c, d, e) -> 0);
    }

    @Test
    void setsGiveIdsThatAreNeverReused() {
        List<RegisteredKfunc> first = table.addSet("p1", "destructive", "b", List.of(kfunc("bpf_panic"), kfunc("bpf_halt")));
        assertEquals(2, first.size());
        int panicId = table.byName("bpf_panic").orElseThrow().id();
        assertEquals("bpf_panic", table.byId(panicId).orElseThrow().name());
        table.removeSet("p1", "gone");
        assertTrue(table.byName("bpf_panic").isEmpty());
        assertTrue(table.byId(panicId).isEmpty());
        table.addSet("p2", "destructive", "b", List.of(kfunc("bpf_panic")));
        assertNotEquals(panicId, table.byName("bpf_panic").orElseThrow().id());
    }

    @Test
    void aNameBelongsToTheFirstSetThatRegisteredIt() {
        table.addSet("p1", "one", "b1", List.of(kfunc("k")));
        assertTrue(table.addSet("p2", "two", "b2", List.of(kfunc("k"))).isEmpty());
        assertEquals("one", table.byName("k").orElseThrow().setName());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("already provided by set one"), warnings.get(0));
        table.removeSet("p2", "x");
        assertTrue(table.byName("k").isPresent(), "removing the loser must not remove the winner's kfunc");
    }

    @Test
    void usersAreTrackedAndListenersHearRemovals() {
        table.addSet("p1", "destructive", "b", List.of(kfunc("bpf_panic"), kfunc("bpf_halt")));
        table.recordUser(new ProgRef(5, "panic_on", "aa"), List.of("bpf_panic"));
        table.recordUser(new ProgRef(7, "halt_on", "bb"), List.of("bpf_halt", "bpf_panic"));
        assertEquals(List.of(5, 7), table.users("bpf_panic").stream().map(ProgRef::id).toList());
        List<String> removed = new ArrayList<>();
        table.addListener(new KfuncRegistryListener() {
            @Override public void kfuncsRemoved(Collection<RegisteredKfunc> gone, String reason) {
                gone.forEach(r -> removed.add(r.name() + ":" + reason));
            }
        });
        table.forgetUser(5);
        assertEquals(List.of(7), table.users("bpf_panic").stream().map(ProgRef::id).toList());
        table.clear("registry stopped");
        assertEquals(Set.of("bpf_panic:registry stopped", "bpf_halt:registry stopped"), Set.copyOf(removed));
        assertTrue(table.all().isEmpty());
    }
}
