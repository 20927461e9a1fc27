package dev.kbpf.shell;

import dev.kbpf.api.Bpf;
import dev.kbpf.api.BpfException;
import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapInfo;
import dev.kbpf.api.MapType;
import dev.kbpf.shell.format.Hex;
import dev.kbpf.shell.format.Output;
import dev.kbpf.shell.format.TextTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bpf:map}: maps, as {@code bpftool map} handles them. Keys and values are hex bytes in
 * memory order ({@link Hex}): {@code key 01 00 00 00} and {@code 0x01000000} are the same key.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=map"})
public class MapCommand {

    static final String USAGE = "map list | show ID | dump ID | lookup ID [key] KEY | update ID [key] KEY [value] VALUE [any|noexist|exist]"
            + " | delete ID [key] KEY | create type TYPE key KEY_SIZE value VALUE_SIZE entries MAX_ENTRIES [name NAME] [flags FLAGS]"
            + " | free ID   (KEY and VALUE in hex bytes: 01 00 00 00 or 0x01000000; add --json for JSON)";

    @Reference
    private Bpf bpf;

    /** For Declarative Services. */
    public MapCommand() {}

    MapCommand(Bpf bpf) { this.bpf = bpf; }

    @Descriptor("Maps: list, show, dump, lookup/update/delete an element, create, free. Keys and values are hex bytes in"
            + " memory order: 'key 01 00 00 00' and '0x01000000' are the same 4-byte key (the u32 1 on a little-endian machine).")
    public String map(
            @Descriptor("print JSON instead of a table") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("list | show ID | dump ID | lookup ID KEY | update ID KEY VALUE [any|noexist|exist] | delete ID KEY"
                    + " | create type T key N value N entries N [name S] [flags F] | free ID")
            String... args) {
        return Commands.run(json, () -> {
            Args a = new Args(args, USAGE);
            String sub = a.hasNext() ? a.nextKeyword("sub-command") : "list";
            return switch (sub) {
                case "list" -> { a.end(); yield Output.render(json, bpf.mapList().stream().map(MapView::of).toList(), MapCommand::table); }
                case "show" -> { int id = a.nextId("map id"); a.end(); yield Output.render(json, MapView.of(bpf.mapShow(id)), MapView::detail); }
                case "dump" -> { int id = a.nextId("map id"); a.end(); yield dump(id, json); }
                case "lookup" -> lookup(a, json);
                case "update" -> update(a, json);
                case "delete" -> delete(a, json);
                case "create" -> create(a, json);
                case "free" -> {
                    int id = a.nextId("map id");
                    a.end();
                    bpf.mapDelete(id);
                    yield Output.render(json, new ProgCommand.Done("freed", id), d -> "freed map " + d.id() + "\n");
                }
                default -> throw a.usageError("unknown sub-command '" + sub + "'");
            };
        });
    }

    static String table(List<MapView> maps) {
        if (maps.isEmpty()) return "no maps\n";
        TextTable t = TextTable.of("ID", "NAME", "TYPE", "KEY", "VALUE", "MAX_ENTRIES", "FLAGS");
        for (MapView m : maps)
            t.row(m.id(), m.name().isEmpty() ? "-" : m.name(), m.type(), m.bytesKey() + "B", m.bytesValue() + "B", m.maxEntries(),
                    "0x" + Integer.toHexString(m.flags()));
        return t.toString();
    }

    // ---- elements ----

    /**
     * One element as bpftool's JSON shows it: key and value as arrays of {@code "0x01"} strings.
     * For per-CPU maps {@code value} is empty and {@code values} has one entry per CPU.
     */
    public record Element(List<String> key, List<String> value, List<CpuValue> values) {}

    /** The value of a per-CPU map's element on one CPU. */
    public record CpuValue(int cpu, List<String> value) {}

    /** {@code map dump}: the map and its elements (at most {@code max_entries} of them, in get-next-key order). */
    public record DumpView(MapView map, List<Element> elements) {}

    static boolean perCpu(MapType t) { return t == MapType.PERCPU_HASH || t == MapType.PERCPU_ARRAY; }

    /** The bytes one CPU's value takes in a per-CPU map's syscall value: {@code round_up(value_size, 8)}, as in Linux. */
    static int perCpuStride(MapInfo m) { return (m.valueSize() + 7) & ~7; }

    /** An element; a per-CPU value is split into its CPUs' values, each {@code value_size} bytes as bpftool shows them. */
    static Element element(MapInfo m, byte[] key, byte[] value) {
        if (!perCpu(m.type()) || m.valueSize() <= 0)
            return new Element(Hex.jsonBytes(key), Hex.jsonBytes(value), List.of());
        int stride = perCpuStride(m);
        List<CpuValue> cpus = new ArrayList<>();
        for (int off = 0, cpu = 0; off < value.length; off += stride, cpu++)
            cpus.add(new CpuValue(cpu, Hex.jsonBytes(Arrays.copyOfRange(value, off, Math.min(value.length, off + m.valueSize())))));
        return new Element(Hex.jsonBytes(key), List.of(), cpus);
    }

    /**
     * What a per-CPU update writes: a value of {@code value_size} bytes goes to every CPU, as bpftool
     * does; anything else is taken as the whole per-CPU layout and left to the map to check.
     */
    byte[] perCpuValue(MapInfo m, byte[] value) {
        if (!perCpu(m.type()) || value.length != m.valueSize()) return value;
        int stride = perCpuStride(m), cpus = bpf.nrCpus();
        byte[] all = new byte[stride * cpus];
        for (int cpu = 0; cpu < cpus; cpu++) System.arraycopy(value, 0, all, cpu * stride, value.length);
        return all;
    }

    String dump(int id, boolean json) {
        MapInfo m = bpf.mapShow(id);
        List<Element> elements = new ArrayList<>();
        byte[] key = null;
        // get-next-key survives concurrent deletes but not endless inserts: stop at max_entries
        while (elements.size() < Math.max(1, m.maxEntries())) {
            Optional<byte[]> next = bpf.mapGetNextKey(id, key);
            if (next.isEmpty()) break;
            key = next.get();
            Optional<byte[]> value = bpf.mapLookup(id, key);
            if (value.isPresent()) elements.add(element(m, key, value.get())); // deleted meanwhile: skipped
        }
        return Output.render(json, new DumpView(MapView.of(m), elements), MapCommand::dumpText);
    }

    /** As bpftool prints a dump: {@code key: 01 00 00 00  value: 2a 00 00 00}, then {@code Found N elements}. */
    static String dumpText(DumpView d) {
        StringBuilder sb = new StringBuilder();
        for (Element e : d.elements()) sb.append(elementText(e));
        sb.append("Found ").append(d.elements().size()).append(d.elements().size() == 1 ? " element" : " elements").append('\n');
        return sb.toString();
    }

    static String elementText(Element e) {
        StringBuilder sb = new StringBuilder("key: ").append(bytes(e.key()));
        if (e.values().isEmpty()) return sb.append("  value: ").append(bytes(e.value())).append('\n').toString();
        sb.append('\n');
        for (CpuValue v : e.values()) sb.append(String.format(Locale.ROOT, "value (CPU %02d): %s%n", v.cpu(), bytes(v.value())));
        return sb.toString();
    }

    private static String bytes(List<String> jsonBytes) {
        StringBuilder sb = new StringBuilder();
        for (String b : jsonBytes) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(b, 2, 4);
        }
        return sb.toString();
    }

    String lookup(Args a, boolean json) {
        int id = a.nextId("map id");
        MapInfo m = bpf.mapShow(id);
        byte[] key = key(m, dropKeyword(a.rest(), "key"));
        byte[] value = bpf.mapLookup(id, key)
                .orElseThrow(() -> new BpfException(Errno.ENOENT, "key " + Hex.spaced(key) + " not found in map " + id));
        return Output.render(json, element(m, key, value), MapCommand::elementText);
    }

    String delete(Args a, boolean json) {
        int id = a.nextId("map id");
        MapInfo m = bpf.mapShow(id);
        byte[] key = key(m, dropKeyword(a.rest(), "key"));
        bpf.mapDeleteElem(id, key);
        return Output.render(json, new Element(Hex.jsonBytes(key), List.of(), List.of()),
                e -> "deleted key " + Hex.spaced(key) + " from map " + id + "\n");
    }

    String update(Args a, boolean json) {
        int id = a.nextId("map id");
        MapInfo m = bpf.mapShow(id);
        List<String> words = new ArrayList<>(a.rest());
        long flags = MapFlags.BPF_ANY;
        if (!words.isEmpty()) {
            switch (words.get(words.size() - 1).toLowerCase(Locale.ROOT)) {
                case "any" -> { flags = MapFlags.BPF_ANY; words.remove(words.size() - 1); }
                case "noexist" -> { flags = MapFlags.BPF_NOEXIST; words.remove(words.size() - 1); }
                case "exist" -> { flags = MapFlags.BPF_EXIST; words.remove(words.size() - 1); }
                default -> { }
            }
        }
        words = dropKeyword(words, "key");
        byte[] key, value;
        int v = indexOfIgnoreCase(words, "value");
        if (v >= 0) {
            key = key(m, words.subList(0, v));
            value = Hex.parse(words.subList(v + 1, words.size()));
        } else {
            // no keywords: the map's key size says where the key ends
            byte[] all = Hex.parse(words);
            if (all.length <= m.keySize())
                throw new CommandException("map " + id + " needs a " + m.keySize() + "-byte key and a value, got " + all.length
                        + " bytes\nusage: " + USAGE);
            key = Arrays.copyOfRange(all, 0, m.keySize());
            value = Arrays.copyOfRange(all, m.keySize(), all.length);
        }
        if (value.length == 0) throw new CommandException("no value given\nusage: " + USAGE);
        byte[] written = perCpuValue(m, value);
        bpf.mapUpdate(id, key, written, flags);
        return Output.render(json, element(m, key, written), e -> "updated map " + id + ": " + elementText(e));
    }

    private static byte[] key(MapInfo m, List<String> words) {
        if (words.isEmpty()) throw new CommandException("no key given\nusage: " + USAGE);
        byte[] key = Hex.parse(words);
        if (key.length != m.keySize())
            throw new BpfException(Errno.EINVAL, "key " + Hex.spaced(key) + " has " + key.length + " bytes; map " + m.id()
                    + " has " + m.keySize() + "-byte keys");
        return key;
    }

    private static List<String> dropKeyword(List<String> words, String keyword) {
        if (!words.isEmpty() && words.get(0).equalsIgnoreCase(keyword)) return new ArrayList<>(words.subList(1, words.size()));
        return words;
    }

    private static int indexOfIgnoreCase(List<String> words, String word) {
        for (int i = 0; i < words.size(); i++) if (words.get(i).equalsIgnoreCase(word)) return i;
        return -1;
    }

    // ---- create ----

    String create(Args a, boolean json) {
        MapType type = null;
        Integer key = null, value = null, entries = null;
        int flags = 0;
        String name = "";
        while (a.hasNext()) {
            String word = a.nextKeyword("create attribute");
            switch (word) {
                case "type" -> type = MapType.parse(a.next("map type"));
                case "key" -> key = Args.parseInt(a.next("key size"), "key size");
                case "value" -> value = Args.parseInt(a.next("value size"), "value size");
                case "entries" -> entries = Args.parseInt(a.next("max entries"), "entries");
                case "name" -> name = a.next("map name");
                case "flags" -> flags = Args.parseInt(a.next("map flags"), "flags");
                default -> throw a.usageError("unknown map attribute '" + word + "'");
            }
        }
        if (type == null || entries == null) throw a.usageError("map create needs at least type and entries");
        // ring buffers have neither keys nor values
        MapAttr attr = new MapAttr(type, key == null ? 0 : key, value == null ? 0 : value, entries, flags, name);
        MapView m = MapView.of(bpf.mapCreate(attr));
        return Output.render(json, m, v -> "created map " + v.id() + "\n" + v.detail());
    }
}
