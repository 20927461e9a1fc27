package dev.kbpf.maps;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CpusTest {

    @Test
    void nrCpusIsTheProcessorCountOrTheConfiguredOne() {
        String configured = System.getProperty("kbpf.nr_cpus");
        int expected = configured != null ? Integer.parseInt(configured) : Runtime.getRuntime().availableProcessors();
        assertEquals(expected, Cpus.count());
    }

    @Test
    void aThreadKeepsItsCpu() {
        int cpu = Cpus.current();
        assertTrue(cpu >= 0 && cpu < Cpus.count());
        for (int i = 0; i < 1000; i++) assertEquals(cpu, Cpus.current());
    }

    @Test
    void newThreadsAreSpreadRoundRobinOverEveryCpu() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < Cpus.count(); i++) {
            int[] cpu = new int[1];
            Thread t = new Thread(() -> cpu[0] = Cpus.current());
            t.start();
            t.join();
            seen.add(cpu[0]);
        }
        assertEquals(Cpus.count(), seen.size(), "consecutive new threads get distinct CPUs: " + seen);
    }

    @Test
    void pinMovesTheCallingThreadOnly() throws Exception {
        int[] after = new int[2];
        Thread t = new Thread(() -> {
            Cpus.pin(Cpus.count() - 1);
            after[0] = Cpus.current();
        });
        t.start();
        t.join();
        assertEquals(Cpus.count() - 1, after[0]);
    }
}
