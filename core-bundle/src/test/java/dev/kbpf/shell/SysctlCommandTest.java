package dev.kbpf.shell;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kbpf.sysctl.InMemorySysctlStore;
import dev.kbpf.sysctl.SysctlRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SysctlCommandTest {

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    SysctlRegistry sysctls;
    Shell shell;

    @BeforeEach
    void setUp() {
        sysctls = SysctlRegistry.withStandardSysctls(new InMemorySysctlStore(), scheduler,
                Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), w -> {});
        shell = new Shell(new SysctlCommand(sysctls));
    }

    @AfterEach
    void tearDown() {
        shell.close();
        scheduler.shutdownNow();
    }

    @Test
    void listsEverySysctlLikeSysctlA() throws Exception {
        String out = shell.run("bpf:sysctl");
        assertTrue(out.contains("kernel.destructive_bpf_enabled = 0\n"), out);
        assertTrue(out.contains("kernel.panic = 0\n"), out);
        assertTrue(out.contains("net.core.bpf_jit_enable = 1\n"), out);
        assertEquals(sysctls.list().size(), out.lines().count());
        assertEquals("kernel.panic = 0\n", shell.run("bpf:sysctl kernel.panic"));
        assertEquals("kernel.panic = 0\n", shell.run("bpf:sysctl kernel/panic"));
        JsonNode j = Fixtures.json(shell.run("bpf:sysctl net.core.bpf_jit_enable --json")).get(0);
        assertEquals("net.core.bpf_jit_enable", j.get("name").asText());
        assertEquals(1, j.get("value").asInt());
        assertEquals(0, j.get("min").asInt());
        assertEquals(1, j.get("max").asInt());
        assertTrue(j.get("expires_at").isNull());
        assertFalse(j.get("description").asText().isEmpty());
        assertTrue(shell.fail("bpf:sysctl kernel.nothing").startsWith("ENOENT (errno 2): unknown sysctl 'kernel.nothing'"));
    }

    @Test
    void writesAsRootAndForALimitedTime() throws Exception {
        assertEquals("kernel.panic = -1\n", shell.run("bpf:sysctl -w kernel.panic=-1"));
        assertEquals(-1, sysctls.get("kernel.panic"));
        String out = shell.run("bpf:sysctl -w kernel.destructive_bpf_enabled=1 --expire 10m");
        assertEquals("kernel.destructive_bpf_enabled = 1   (until 2026-11-25T12:10:00Z, then 0)\n", out);
        assertEquals(Instant.parse("2026-11-25T12:10:00Z"), sysctls.expiresAt("kernel.destructive_bpf_enabled").orElseThrow());
        JsonNode j = Fixtures.json(shell.run("bpf:sysctl kernel.destructive_bpf_enabled -j")).get(0);
        assertEquals("2026-11-25T12:10:00Z", j.get("expires_at").asText());
        assertTrue(shell.fail("bpf:sysctl -w kernel.destructive_bpf_enabled=2").startsWith("EINVAL (errno 22): invalid value 2"));
        assertTrue(shell.fail("bpf:sysctl kernel.panic=3").contains("use: sysctl -w kernel.panic=3"));
        assertTrue(shell.fail("bpf:sysctl -w kernel.panic").contains("is not NAME=VALUE"));
        assertTrue(shell.fail("bpf:sysctl -w kernel.panic=1 --expire soon").contains("is not a duration"));
        assertTrue(shell.fail("bpf:sysctl kernel.panic --expire 1m").contains("--expire goes with -w"));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(30), SysctlCommand.duration("30s"));
        assertEquals(Duration.ofSeconds(30), SysctlCommand.duration("30"));
        assertEquals(Duration.ofMinutes(10), SysctlCommand.duration("10m"));
        assertEquals(Duration.ofHours(2), SysctlCommand.duration("2h"));
        assertEquals(Duration.ofDays(1), SysctlCommand.duration("1d"));
        assertEquals(Duration.ofSeconds(90), SysctlCommand.duration("PT90S"));
        assertThrows(CommandException.class, () -> SysctlCommand.duration("10x"));
    }
}
