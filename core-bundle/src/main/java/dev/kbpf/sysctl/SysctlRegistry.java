package dev.kbpf.sysctl;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Capability;
import dev.kbpf.api.Credentials;
import dev.kbpf.api.Errno;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The table of sysctls ({@code /proc/sys}): registered definitions with their current values.
 *
 * <p>Reading is free for everyone and lock-free (the hot path: a destructive kfunc checks
 * {@code kernel.destructive_bpf_enabled} on every call). Writing needs {@code CAP_SYS_ADMIN}.
 * Going beyond Linux, a write may carry an expiry, after which the value returns to its
 * default by itself: the answer to a global switch that is easy to forget switched on.
 * Expiries run on the given scheduler and are kept, as instants, by the {@link SysctlStore},
 * so a reboot does not make a temporary value permanent.
 */
public final class SysctlRegistry {

    /** The state of one registered sysctl; fields other than {@code value} change under the registry lock. */
    private static final class Entry {
        final Sysctl sysctl;
        volatile int value;
        Instant expiresAt;
        ScheduledFuture<?> expiry;
        long generation;

        Entry(Sysctl sysctl) {
            this.sysctl = sysctl;
            this.value = sysctl.defaultValue();
        }
    }

    private final Map<String, Entry> entries = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, SysctlSetting> pendingRestore = new HashMap<>();
    private final List<SysctlListener> listeners = new CopyOnWriteArrayList<>();
    private final SysctlStore store;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Consumer<String> warnings;

    /**
     * @param store     where values are loaded from now and saved to after each change
     * @param scheduler runs expiries (a test drives its own)
     * @param clock     wall-clock time for expiry instants, which outlive a reboot
     * @param warnings  where problems that must not fail a write go (a dmesg line in the running system)
     */
    public SysctlRegistry(SysctlStore store, ScheduledExecutorService scheduler, Clock clock, Consumer<String> warnings) {
        this.store = Objects.requireNonNull(store, "store");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        for (SysctlSetting s : loadStore()) pendingRestore.put(s.name(), s);
    }

    /** A registry holding {@link StandardSysctls#all()}, with stored values restored. */
    public static SysctlRegistry withStandardSysctls(SysctlStore store, ScheduledExecutorService scheduler, Clock clock,
                                                     Consumer<String> warnings) {
        SysctlRegistry r = new SysctlRegistry(store, scheduler, clock, warnings);
        StandardSysctls.all().forEach(r::register);
        return r;
    }

    private List<SysctlSetting> loadStore() {
        try {
            return store.load();
        } catch (RuntimeException e) {
            warnings.accept("sysctl: could not load stored values, using defaults: " + e);
            return List.of();
        }
    }

    /**
     * Adds a sysctl; a value stored for it at an earlier boot is restored (and its expiry
     * re-armed for the time left). Throws {@code EEXIST} if the name is taken.
     */
    public void register(Sysctl sysctl) {
        SysctlChange restored = null;
        synchronized (this) {
            if (entries.containsKey(sysctl.name()))
                throw new BpfException(Errno.EEXIST, "sysctl " + sysctl.name() + " is already registered");
            Entry e = new Entry(sysctl);
            entries.put(sysctl.name(), e);
            SysctlSetting stored = pendingRestore.remove(sysctl.name());
            if (stored != null) restored = restore(e, stored);
        }
        if (restored != null) notifyListeners(restored);
    }

    private SysctlChange restore(Entry e, SysctlSetting stored) {
        if (!e.sysctl.accepts(stored.value())) {
            warnings.accept("sysctl: ignoring stored " + e.sysctl.name() + "=" + stored.value()
                    + ": accepted range is " + e.sysctl.range());
            return null;
        }
        Instant now = clock.instant();
        if (stored.expiresAt().isPresent() && !stored.expiresAt().get().isAfter(now)) return null; // ran out while down
        e.value = stored.value();
        stored.expiresAt().ifPresent(at -> arm(e, at, Duration.between(now, at)));
        return e.value == e.sysctl.defaultValue() ? null
                : new SysctlChange(e.sysctl, e.sysctl.defaultValue(), e.value, SysctlChange.Cause.RESTORE, stored.expiresAt());
    }

    /** The current value; {@code ENOENT} for an unknown name. Accepts {@code kernel/panic} as well as {@code kernel.panic}. */
    public int get(String name) { return entry(name).value; }

    /** The current value of a registered definition (no name parsing: the fast path). */
    public int get(Sysctl sysctl) {
        Entry e = entries.get(sysctl.name());
        if (e == null) throw unknown(sysctl.name());
        return e.value;
    }

    public Sysctl definition(String name) { return entry(name).sysctl; }

    /** When the current value returns to its default, if it was written for a limited time. */
    public synchronized Optional<Instant> expiresAt(String name) { return Optional.ofNullable(entry(name).expiresAt); }

    /** Every sysctl with its value, sorted by name: what {@code sysctl -a} lists. */
    public synchronized List<SysctlSetting> list() {
        List<SysctlSetting> out = new ArrayList<>();
        for (Entry e : new TreeMap<>(entries).values())
            out.add(new SysctlSetting(e.sysctl.name(), e.value, Optional.ofNullable(e.expiresAt)));
        return out;
    }

    /** Name to value, sorted by name (what a crash dump records). */
    public Map<String, Integer> values() {
        Map<String, Integer> out = new TreeMap<>();
        entries.forEach((n, e) -> out.put(n, e.value));
        return out;
    }

    /** Writes a value for good, cancelling any pending expiry. */
    public void set(String name, int value, Credentials credentials) { write(name, value, null, credentials); }

    /**
     * Writes a value that returns to the default after {@code expiry}. {@code EINVAL} if the
     * expiry is not positive, or if the value is the default (there would be nothing to undo).
     */
    public void set(String name, int value, Duration expiry, Credentials credentials) {
        Objects.requireNonNull(expiry, "expiry");
        write(name, value, expiry, credentials);
    }

    /** Writes a value given as text, as {@code sysctl -w name=value} does. */
    public void set(String name, String value, Credentials credentials) {
        Entry e = entry(name);
        requireAdmin(e.sysctl, credentials);
        write(name, e.sysctl.parse(value), null, credentials);
    }

    /** Writes a value given as text for a limited time. */
    public void set(String name, String value, Duration expiry, Credentials credentials) {
        Entry e = entry(name);
        requireAdmin(e.sysctl, credentials);
        set(name, e.sysctl.parse(value), expiry, credentials);
    }

    private void write(String name, int value, Duration expiry, Credentials credentials) {
        Entry e = entry(name);
        requireAdmin(e.sysctl, credentials);
        e.sysctl.check(value);
        if (expiry != null) {
            if (expiry.isNegative() || expiry.isZero())
                throw new BpfException(Errno.EINVAL, "expiry for sysctl " + e.sysctl.name() + " must be positive, got " + expiry);
            if (value == e.sysctl.defaultValue())
                throw new BpfException(Errno.EINVAL, "sysctl " + e.sysctl.name() + ": " + value
                        + " is the default; an expiry returns a value to the default, so write it without one");
        }
        SysctlChange change;
        synchronized (this) {
            int old = e.value;
            cancelExpiry(e);
            e.value = value;
            Instant at = null;
            if (expiry != null) {
                at = clock.instant().plus(expiry);
                arm(e, at, expiry);
            }
            change = new SysctlChange(e.sysctl, old, value, SysctlChange.Cause.WRITE, Optional.ofNullable(at));
            save();
        }
        notifyListeners(change);
    }

    private void arm(Entry e, Instant at, Duration delay) {
        long generation = ++e.generation;
        e.expiresAt = at;
        e.expiry = scheduler.schedule(() -> expire(e, generation), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    private void cancelExpiry(Entry e) {
        e.generation++; // an expiry already running sees a stale generation and does nothing
        if (e.expiry != null) e.expiry.cancel(false);
        e.expiry = null;
        e.expiresAt = null;
    }

    private void expire(Entry e, long generation) {
        SysctlChange change;
        synchronized (this) {
            if (e.generation != generation) return;
            int old = e.value;
            e.value = e.sysctl.defaultValue();
            e.expiry = null;
            e.expiresAt = null;
            change = new SysctlChange(e.sysctl, old, e.value, SysctlChange.Cause.EXPIRY, Optional.empty());
            save();
        }
        notifyListeners(change);
    }

    /** Called under the lock: the store sees changes in the order they were made. */
    private void save() {
        List<SysctlSetting> settings = new ArrayList<>();
        for (Entry e : new TreeMap<>(entries).values())
            if (e.value != e.sysctl.defaultValue() || e.expiresAt != null)
                settings.add(new SysctlSetting(e.sysctl.name(), e.value, Optional.ofNullable(e.expiresAt)));
        // names stored by an earlier boot but not registered (yet) are kept, not lost
        settings.addAll(pendingRestore.values());
        try {
            store.save(settings);
        } catch (RuntimeException ex) {
            warnings.accept("sysctl: could not save values, they will not survive a reboot: " + ex);
        }
    }

    public void addListener(SysctlListener listener) { listeners.add(Objects.requireNonNull(listener)); }

    public void removeListener(SysctlListener listener) { listeners.remove(listener); }

    private void notifyListeners(SysctlChange change) {
        for (SysctlListener l : listeners) {
            try {
                l.changed(change);
            } catch (RuntimeException ex) {
                warnings.accept("sysctl: listener " + l + " failed on " + change.name() + ": " + ex);
            }
        }
    }

    private Entry entry(String name) {
        if (name == null) throw new BpfException(Errno.ENOENT, "no sysctl name given");
        String n = name.strip().replace('/', '.').toLowerCase(Locale.ROOT);
        Entry e = entries.get(n);
        if (e == null) throw unknown(name);
        return e;
    }

    private static BpfException unknown(String name) {
        return new BpfException(Errno.ENOENT, "unknown sysctl '" + name + "'");
    }

    private static void requireAdmin(Sysctl sysctl, Credentials credentials) {
        if (credentials == null || !credentials.has(Capability.CAP_SYS_ADMIN))
            throw new BpfException(Errno.EPERM, "writing sysctl " + sysctl.name() + " requires CAP_SYS_ADMIN");
    }
}
