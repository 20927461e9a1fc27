package dev.kbpf.tracepoint;

import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.Tracepoint;
import dev.kbpf.api.TracepointField;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A defined tracepoint. Attached probes sit in a copy-on-write array read once per firing, so
 * firing with nothing attached is one volatile read, and detaching while other threads fire is
 * safe: a firing that already read the array finishes with the probes it saw.
 */
public final class TracepointDefinition implements Tracepoint {
    private static final TracepointProbe[] NONE = {};
    /** Linux lets tracepoint programs read up to PERF_MAX_TRACE_SIZE bytes of context. */
    public static final int MAX_RECORD_SIZE = 2048;

    private final String category;
    private final String name;
    private final List<TracepointField> fields;
    private final int recordSize;
    private final ThreadLocal<byte[]> scratch;
    private volatile TracepointProbe[] probes = NONE;
    private volatile Consumer<Tracepoint> enablement = tp -> {};

    public TracepointDefinition(String category, String name, List<TracepointField> fields) {
        if (!validName(category) || !validName(name))
            throw new BpfException(Errno.EINVAL, "bad tracepoint name '" + category + ":" + name + "': use [A-Za-z0-9_]");
        this.category = category;
        this.name = name;
        this.fields = List.copyOf(fields);
        int end = 0;
        for (int i = 0; i < this.fields.size(); i++) {
            TracepointField f = this.fields.get(i);
            for (int j = 0; j < i; j++) {
                TracepointField g = this.fields.get(j);
                if (g.name().equals(f.name())) throw new BpfException(Errno.EINVAL, "tracepoint " + fullName() + ": field " + f.name() + " defined twice");
                if (f.offset() < g.offset() + g.size() && g.offset() < f.offset() + f.size())
                    throw new BpfException(Errno.EINVAL, "tracepoint " + fullName() + ": fields " + g.name() + " and " + f.name() + " overlap");
            }
            end = Math.max(end, f.offset() + f.size());
        }
        this.recordSize = (end + 7) & ~7;
        if (recordSize > MAX_RECORD_SIZE) throw new BpfException(Errno.E2BIG, "tracepoint " + fullName() + ": record of " + recordSize + " bytes exceeds " + MAX_RECORD_SIZE);
        this.scratch = ThreadLocal.withInitial(() -> new byte[Math.max(8, recordSize)]);
    }

    private static boolean validName(String s) {
        return s != null && !s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_');
    }

    @Override public String category() { return category; }
    @Override public String name() { return name; }
    @Override public List<TracepointField> fields() { return fields; }
    @Override public int recordSize() { return recordSize; }
    @Override public boolean isEnabled() { return probes.length != 0; }

    /** Called with this tracepoint whenever it goes from no probe to some, or back (JFR streams switch on this). */
    public void onEnablementChange(Consumer<Tracepoint> listener) { this.enablement = listener; }

    public synchronized void attach(TracepointProbe probe) {
        TracepointProbe[] old = probes;
        TracepointProbe[] now = Arrays.copyOf(old, old.length + 1);
        now[old.length] = probe;
        probes = now;
        if (old.length == 0) enablement.accept(this);
    }

    /** Returns false if the probe was not attached. */
    public synchronized boolean detach(TracepointProbe probe) {
        TracepointProbe[] old = probes;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == probe) {
                TracepointProbe[] now = new TracepointProbe[old.length - 1];
                System.arraycopy(old, 0, now, 0, i);
                System.arraycopy(old, i + 1, now, i, old.length - i - 1);
                probes = now.length == 0 ? NONE : now;
                if (now.length == 0) enablement.accept(this);
                return true;
            }
        }
        return false;
    }

    public int probeCount() { return probes.length; }

    @Override
    public void fire(Object... values) {
        TracepointProbe[] p = probes;
        if (p.length == 0) return;
        if (values.length != fields.size())
            throw new BpfException(Errno.EINVAL, "tracepoint " + fullName() + " has " + fields.size() + " fields, fired with " + values.length + " values");
        byte[] record = scratch.get();
        Arrays.fill(record, (byte) 0);
        for (int i = 0; i < values.length; i++) put(record, fields.get(i), values[i]);
        run(p, record);
    }

    @Override
    public void fireRecord(byte[] record) {
        TracepointProbe[] p = probes;
        if (p.length == 0) return;
        if (record.length >= recordSize) {
            run(p, record);
        } else {
            byte[] padded = scratch.get();
            Arrays.fill(padded, (byte) 0);
            System.arraycopy(record, 0, padded, 0, record.length);
            run(p, padded);
        }
    }

    private void run(TracepointProbe[] p, byte[] record) {
        for (TracepointProbe probe : p) probe.onEvent(record, recordSize);
    }

    /** Writes one field's value into a record, as {@link #fire(Object...)} describes. */
    public static void put(byte[] record, TracepointField f, Object value) {
        if (value instanceof Number n) {
            long v = n.longValue();
            for (int i = 0; i < Math.min(8, f.size()); i++) record[f.offset() + i] = (byte) (v >>> (8 * i));
        } else if (value instanceof Boolean b) {
            record[f.offset()] = (byte) (b ? 1 : 0);
        } else if (value instanceof String || value instanceof byte[] || value == null) {
            byte[] bytes = value == null ? new byte[0] : value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
            int n = Math.min(bytes.length, f.type().startsWith("char") ? f.size() - 1 : f.size());
            System.arraycopy(bytes, 0, record, f.offset(), Math.max(0, n));
        } else {
            throw new BpfException(Errno.EINVAL, "field " + f.name() + ": cannot store a " + value.getClass().getSimpleName());
        }
    }

    @Override
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(name).append('\n');
        sb.append("ID: ").append(Math.abs(fullName().hashCode()) % 10000).append('\n');
        sb.append("format:\n");
        fields.stream().sorted(Comparator.comparingInt(TracepointField::offset)).forEach(f -> sb.append(f.formatLine()).append('\n'));
        sb.append("\nprint fmt: \"");
        for (int i = 0; i < fields.size(); i++) sb.append(i == 0 ? "" : ", ").append(fields.get(i).name()).append("=%").append(fields.get(i).type().startsWith("char") ? "s" : "llu");
        sb.append("\"\n");
        return sb.toString();
    }

    @Override
    public String toString() { return fullName(); }
}
