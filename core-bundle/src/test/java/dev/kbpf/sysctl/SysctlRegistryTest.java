package dev.kbpf.sysctl;

import static org.junit.jupiter.api.Assertions.*;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SysctlRegistryTest {
    private final ManualTime time = new ManualTime();
    private final List<String> warnings = new ArrayList<>();
    private final InMemorySysctlStore store = new InMemorySysctlStore();
    private final Credentials admin = Credentials.of(Capability.CAP_SYS_ADMIN);

    private SysctlRegistry registry() {
        return SysctlRegistry.withStandardSysctls(store, time.scheduler(), time.clock(), warnings::add);
    }

    private static BpfException fails(Errno errno, Runnable r) {
        BpfException e = assertThrows(BpfException.class, r::run);
        assertEquals(errno, e.errno(), e.getMessage());
        return e;
    }

    @Test
    void defaultsAreLinuxs() {
        SysctlRegistry r = registry();
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));
        assertEquals(0, r.get("kernel.panic"));
        assertEquals(1, r.get("net.core.bpf_jit_enable"));
        assertEquals(2, r.get("kernel.unprivileged_bpf_disabled"));
        assertEquals(0, r.get("kernel.bpf_stats_enabled"));
        assertEquals(0, r.get(StandardSysctls.PANIC));
        assertEquals(0, r.get("kernel/panic"), "the /proc/sys path form is accepted too");
        assertEquals(List.of("kernel.bpf_stats_enabled", "kernel.destructive_bpf_enabled", "kernel.panic",
                "kernel.unprivileged_bpf_disabled", "net.core.bpf_jit_enable"),
                r.list().stream().map(SysctlSetting::name).toList());
    }

    @Test
    void writingNeedsCapSysAdmin() {
        SysctlRegistry r = registry();
        BpfException e = fails(Errno.EPERM, () -> r.set("kernel.destructive_bpf_enabled", 1,
                Credentials.of(Capability.CAP_SYS_BOOT, Capability.CAP_BPF)));
        assertTrue(e.getMessage().contains("kernel.destructive_bpf_enabled") && e.getMessage().contains("CAP_SYS_ADMIN"), e.getMessage());
        fails(Errno.EPERM, () -> r.set("kernel.panic", "5", Credentials.none()));
        fails(Errno.EPERM, () -> r.set("kernel.panic", "not even a number", Credentials.none()));
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));
        r.set("kernel.destructive_bpf_enabled", 1, admin);
        assertEquals(1, r.get("kernel.destructive_bpf_enabled"));
        r.set("kernel.destructive_bpf_enabled", 0, Credentials.root());
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));
    }

    @Test
    void badValuesNameTheSysctlAndItsRange() {
        SysctlRegistry r = registry();
        BpfException e = fails(Errno.EINVAL, () -> r.set("kernel.destructive_bpf_enabled", 2, admin));
        assertTrue(e.reason().contains("kernel.destructive_bpf_enabled") && e.reason().contains("0..1"), e.reason());
        e = fails(Errno.EINVAL, () -> r.set("kernel.unprivileged_bpf_disabled", -1, admin));
        assertTrue(e.reason().contains("kernel.unprivileged_bpf_disabled") && e.reason().contains("0..2"), e.reason());
        e = fails(Errno.EINVAL, () -> r.set("net.core.bpf_jit_enable", "yes", admin));
        assertTrue(e.reason().contains("'yes'") && e.reason().contains("net.core.bpf_jit_enable"), e.reason());
        fails(Errno.EINVAL, () -> r.set("kernel.panic", "99999999999", admin));
        r.set("kernel.panic", " -1 ", admin);
        assertEquals(-1, r.get("kernel.panic"));
        r.set("kernel.panic", Integer.MAX_VALUE, admin);
        assertEquals(Integer.MAX_VALUE, r.get("kernel.panic"));
        assertEquals(1, r.get("net.core.bpf_jit_enable"), "a rejected write changes nothing");
    }

    @Test
    void unknownNamesAreEnoent() {
        SysctlRegistry r = registry();
        BpfException e = fails(Errno.ENOENT, () -> r.get("kernel.no_such_thing"));
        assertTrue(e.reason().contains("kernel.no_such_thing"));
        fails(Errno.ENOENT, () -> r.set("kernel.no_such_thing", 1, admin));
        fails(Errno.ENOENT, () -> r.set("kernel.no_such_thing", 1, Credentials.none()));
        fails(Errno.ENOENT, () -> r.definition(null));
        fails(Errno.EEXIST, () -> r.register(Sysctl.bool("kernel.panic", false, "again")));
    }

    @Test
    void aTemporaryWriteReturnsToTheDefaultByItself() {
        SysctlRegistry r = registry();
        List<SysctlChange> changes = new ArrayList<>();
        r.addListener(changes::add);
        r.set("kernel.destructive_bpf_enabled", 1, Duration.ofMinutes(10), admin);
        assertEquals(1, r.get("kernel.destructive_bpf_enabled"));
        Instant until = Instant.parse("2026-11-25T12:10:00Z");
        assertEquals(Optional.of(until), r.expiresAt("kernel.destructive_bpf_enabled"));
        assertEquals("kernel.destructive_bpf_enabled = 1 (until 2026-11-25T12:10:00Z)",
                r.list().stream().filter(s -> s.name().equals("kernel.destructive_bpf_enabled")).findFirst().orElseThrow().toString());

        time.advance(Duration.ofMinutes(10).minusNanos(1));
        assertEquals(1, r.get("kernel.destructive_bpf_enabled"), "still on just before the expiry");
        time.advance(Duration.ofNanos(1));
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));
        assertEquals(Optional.empty(), r.expiresAt("kernel.destructive_bpf_enabled"));

        assertEquals(2, changes.size());
        assertEquals(new SysctlChange(StandardSysctls.DESTRUCTIVE_BPF_ENABLED, 0, 1, SysctlChange.Cause.WRITE, Optional.of(until)), changes.get(0));
        assertEquals(new SysctlChange(StandardSysctls.DESTRUCTIVE_BPF_ENABLED, 1, 0, SysctlChange.Cause.EXPIRY, Optional.empty()), changes.get(1));
    }

    @Test
    void aLaterWriteReplacesThePendingExpiry() {
        SysctlRegistry r = registry();
        r.set("kernel.destructive_bpf_enabled", 1, Duration.ofMinutes(10), admin);
        r.set("kernel.destructive_bpf_enabled", 1, Duration.ofMinutes(30), admin);
        time.advance(Duration.ofMinutes(20));
        assertEquals(1, r.get("kernel.destructive_bpf_enabled"), "the first expiry was replaced");
        time.advance(Duration.ofMinutes(10));
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));

        r.set("kernel.destructive_bpf_enabled", 1, Duration.ofMinutes(10), admin);
        r.set("kernel.destructive_bpf_enabled", 1, admin);
        time.advance(Duration.ofHours(1));
        assertEquals(1, r.get("kernel.destructive_bpf_enabled"), "a permanent write cancels the expiry");
        assertTrue(time.pending().isEmpty());
    }

    @Test
    void expiriesMustMakeSense() {
        SysctlRegistry r = registry();
        fails(Errno.EINVAL, () -> r.set("kernel.destructive_bpf_enabled", 1, Duration.ZERO, admin));
        fails(Errno.EINVAL, () -> r.set("kernel.destructive_bpf_enabled", 1, Duration.ofSeconds(-1), admin));
        BpfException e = fails(Errno.EINVAL, () -> r.set("kernel.destructive_bpf_enabled", 0, Duration.ofMinutes(1), admin));
        assertTrue(e.reason().contains("default"), e.reason());
        fails(Errno.EPERM, () -> r.set("kernel.destructive_bpf_enabled", 1, Duration.ofMinutes(1), Credentials.none()));
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));
        assertTrue(time.pending().isEmpty());
    }

    @Test
    void listenersHearEveryChangeAndAFailingOneDoesNotStopTheOthers() {
        SysctlRegistry r = registry();
        List<String> heard = new ArrayList<>();
        r.addListener(c -> { throw new IllegalStateException("boom"); });
        r.addListener(c -> heard.add(c.name() + ":" + c.oldValue() + "->" + c.newValue() + " " + c.cause()));
        r.set("kernel.panic", 10, admin);
        r.set("kernel.panic", 10, admin);
        r.set("kernel.bpf_stats_enabled", 1, admin);
        assertEquals(List.of("kernel.panic:0->10 WRITE", "kernel.panic:10->10 WRITE", "kernel.bpf_stats_enabled:0->1 WRITE"), heard);
        assertEquals(3, warnings.size());
        assertTrue(warnings.get(0).contains("boom"));
    }

    @Test
    void valuesSurviveARebootThroughTheStoreIncludingTheTimeLeftOnAnExpiry() {
        SysctlRegistry before = registry();
        before.set("kernel.panic", -1, admin);
        before.set("net.core.bpf_jit_enable", 0, admin);
        before.set("kernel.destructive_bpf_enabled", 1, Duration.ofMinutes(10), admin);
        assertEquals(3, store.load().size(), "only values off their defaults are stored: " + store.load());

        time.advance(Duration.ofMinutes(4)); // the framework restarts at 12:04
        ManualTime later = time;
        SysctlRegistry after = SysctlRegistry.withStandardSysctls(store, later.scheduler(), later.clock(), warnings::add);
        assertEquals(-1, after.get("kernel.panic"));
        assertEquals(0, after.get("net.core.bpf_jit_enable"));
        assertEquals(1, after.get("kernel.destructive_bpf_enabled"));
        assertEquals(Optional.of(Instant.parse("2026-11-25T12:10:00Z")), after.expiresAt("kernel.destructive_bpf_enabled"));
        time.advance(Duration.ofMinutes(6));
        assertEquals(0, after.get("kernel.destructive_bpf_enabled"), "the expiry still runs out at 12:10, not 12:14");
        assertEquals(2, store.load().size());
    }

    @Test
    void aTemporaryValueThatRanOutWhileDownIsNotRestored() {
        store.save(List.of(new SysctlSetting("kernel.destructive_bpf_enabled", 1, Optional.of(Instant.parse("2026-11-25T11:59:00Z"))),
                SysctlSetting.permanent("kernel.unprivileged_bpf_disabled", 7),
                SysctlSetting.permanent("kernel.from_a_later_version", 3)));
        SysctlRegistry r = registry();
        assertEquals(0, r.get("kernel.destructive_bpf_enabled"));
        assertEquals(2, r.get("kernel.unprivileged_bpf_disabled"), "an out-of-range stored value falls back to the default");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("kernel.unprivileged_bpf_disabled=7")), warnings.toString());
        r.set("kernel.panic", 3, admin);
        assertTrue(store.load().contains(SysctlSetting.permanent("kernel.from_a_later_version", 3)),
                "a stored name not registered here is kept for whoever registers it: " + store.load());
        r.register(new Sysctl("kernel.from_a_later_version", 0, 0, 5, "test"));
        assertEquals(3, r.get("kernel.from_a_later_version"));
    }

    @Test
    void aStoreThatFailsDoesNotFailTheWrite() {
        SysctlStore broken = new SysctlStore() {
            @Override public List<SysctlSetting> load() { throw new IllegalStateException("no config admin"); }
            @Override public void save(List<SysctlSetting> s) { throw new IllegalStateException("disk full"); }
        };
        SysctlRegistry r = SysctlRegistry.withStandardSysctls(broken, time.scheduler(), time.clock(), warnings::add);
        r.set("kernel.panic", 5, admin);
        assertEquals(5, r.get("kernel.panic"));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).contains("disk full"));
    }

    @Test
    void definitionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Sysctl("panic", 0, 0, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> new Sysctl("kernel.x", 3, 0, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> new Sysctl("kernel.x", 0, 1, 0, ""));
    }
}
