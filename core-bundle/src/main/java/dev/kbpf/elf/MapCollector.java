package dev.kbpf.elf;

import dev.kbpf.api.MapType;
import dev.kbpf.elf.btf.Btf;
import dev.kbpf.elf.btf.BtfType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Finds the maps an object declares, in libbpf's order: legacy {@code maps}, BTF-defined
 * {@code .maps}, then one internal array per global-data section. Remembers where each map
 * lives in the file so that relocations against it can be resolved to its index.
 */
final class MapCollector {
    /** Linux's {@code KMALLOC_MAX_SIZE} on x86-64: an array map's value cannot be larger, nor can global data. */
    static final int MAX_GLOBAL_DATA = 4 << 20;
    private static final int LEGACY_DEF_SIZE = 20;

    /** A map under construction: the spec's fields that relocations may still add to. */
    private static final class Builder {
        final String name;
        final MapKind kind;
        final MapType type;
        final int keySize, valueSize, maxEntries, flags;
        final boolean readOnly;
        final byte[] initialValue;
        final ElfSection section;
        final int offset, size;
        final long valuesOffset; // offset of a BTF map's .values array in its struct, or -1
        final List<MapSlot> slots = new ArrayList<>();
        final List<GlobalVariable> variables = new ArrayList<>();
        final List<DataRelocation> dataRelocations = new ArrayList<>();

        Builder(String name, MapKind kind, MapType type, int keySize, int valueSize, int maxEntries, int flags, boolean readOnly,
                byte[] initialValue, ElfSection section, int offset, int size, long valuesOffset) {
            this.name = name;
            this.kind = kind;
            this.type = type;
            this.keySize = keySize;
            this.valueSize = valueSize;
            this.maxEntries = maxEntries;
            this.flags = flags;
            this.readOnly = readOnly;
            this.initialValue = initialValue;
            this.section = section;
            this.offset = offset;
            this.size = size;
            this.valuesOffset = valuesOffset;
        }

        MapSpec build() {
            return new MapSpec(name, kind, type, keySize, valueSize, maxEntries, flags, readOnly, readOnly, initialValue,
                    section.name(), slots, variables, dataRelocations);
        }
    }

    private final ElfFile elf;
    private final Btf btf;
    private final String objName;
    private final List<Builder> maps = new ArrayList<>();
    /** Global-data section index → map index. */
    private final Map<Integer, Integer> dataMaps = new HashMap<>();

    MapCollector(ElfFile elf, Btf btf, String objName) {
        this.elf = elf;
        this.btf = btf;
        this.objName = objName;
    }

    static boolean isGlobalData(ElfSection s) {
        String n = s.name();
        return (s.flags() & ElfSection.SHF_ALLOC) != 0 && (s.type() == ElfSection.SHT_PROGBITS || s.type() == ElfSection.SHT_NOBITS)
                && (s.flags() & ElfSection.SHF_EXECINSTR) == 0
                && (is(n, ".rodata") || is(n, ".data") || is(n, ".bss"));
    }

    private static boolean is(String name, String prefix) {
        return name.equals(prefix) || name.startsWith(prefix + ".");
    }

    static boolean isReadOnlyData(ElfSection s) { return is(s.name(), ".rodata"); }

    void collect() {
        ElfSection legacy = elf.byName("maps");
        if (legacy != null) collectLegacy(legacy);
        ElfSection btfMaps = elf.byName(".maps");
        if (btfMaps != null) collectBtf(btfMaps);
        for (ElfSection s : elf.sections()) if (isGlobalData(s) && s.size() > 0) collectGlobalData(s);
    }

    private void collectLegacy(ElfSection sec) {
        if (sec.isNoBits()) throw new ElfException("section 'maps' has no contents");
        List<ElfSymbol> syms = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) if (s.shndx() == sec.index() && s.type() != ElfSymbol.STT_SECTION) syms.add(s);
        if (syms.isEmpty()) {
            if (sec.size() == 0) return;
            throw new ElfException("section 'maps': " + sec.size() + " bytes of map definitions but no map symbols");
        }
        if (sec.size() == 0 || sec.size() % syms.size() != 0) {
            throw new ElfException("section 'maps': size " + sec.size() + " is not a multiple of its " + syms.size() + " map definitions");
        }
        int defSize = sec.size() / syms.size();
        if (defSize < 16 || defSize % 4 != 0) throw new ElfException("section 'maps': map definition size " + defSize + " is not a struct bpf_map_def");
        syms.sort(Comparator.comparingLong(ElfSymbol::value));
        ByteSlice data = elf.contents(sec);
        for (ElfSymbol s : syms) {
            if (s.value() < 0 || s.value() % defSize != 0 || s.value() > sec.size() - defSize) {
                throw new ElfException("map '" + s.name() + "': offset " + s.value() + " in section 'maps' is not the start of a map definition");
            }
            ByteSlice def = data.slice(s.value(), defSize, "map definition '" + s.name() + "'");
            for (int off = LEGACY_DEF_SIZE; off < defSize; off += 4) {
                if (def.s32(off) != 0) throw new ElfException("map '" + s.name() + "': unrecognised non-zero field at offset " + off + " of its struct bpf_map_def");
            }
            MapType type = mapType(s.name(), def.u32(0));
            int flags = defSize >= LEGACY_DEF_SIZE ? def.s32(16) : 0;
            maps.add(new Builder(s.name(), MapKind.LEGACY, type, toInt(s.name(), "key_size", def.u32(4)), toInt(s.name(), "value_size", def.u32(8)),
                    toInt(s.name(), "max_entries", def.u32(12)), flags, false, new byte[0],
                    sec, (int) s.value(), defSize, -1));
        }
    }

    private static MapType mapType(String map, long id) {
        return MapType.ofLinuxId((int) id).filter(t -> id == (int) id)
                .orElseThrow(() -> new ElfException("map '" + map + "': unknown map type " + id));
    }

    private void collectBtf(ElfSection sec) {
        if (btf == null) throw new ElfException("section '.maps' needs BTF, but the object has no .BTF section");
        BtfType.Datasec ds = btf.datasec(".maps").orElseThrow(() -> new ElfException(".BTF has no DATASEC '.maps' for section '.maps'"));
        for (BtfType.VarSecInfo vs : ds.vars()) {
            if (!(btf.type(vs.type()) instanceof BtfType.Var var)) throw new ElfException(".BTF: DATASEC '.maps' entry of type " + vs.type() + " is not a VAR");
            String name = var.name();
            // clang leaves DATASEC offsets at 0 (libbpf fixes them up): the symbol says where the map is
            ElfSymbol sym = elf.symbols().stream().filter(y -> y.shndx() == sec.index() && y.name().equals(name)
                    && y.type() != ElfSymbol.STT_SECTION).findFirst()
                    .orElseThrow(() -> new ElfException("map '" + name + "': no symbol for it in section '.maps'"));
            if (sym.value() < 0 || sym.size() < 0 || sym.value() > sec.size() || sym.size() > sec.size() - sym.value()) {
                throw new ElfException("map '" + name + "': [" + sym.value() + ", +" + sym.size() + ") is outside section '.maps' (" + sec.size() + " bytes)");
            }
            if (!(btf.type(btf.skipModifiers(var.type())) instanceof BtfType.Struct def) || def.union()) {
                throw new ElfException("map '" + name + "': its definition is not a struct");
            }
            maps.add(btfMap(name, def, sec, (int) sym.value(), (int) sym.size()));
        }
    }

    private Builder btfMap(String name, BtfType.Struct def, ElfSection sec, int offset, int size) {
        Long type = null, maxEntries = null, keySize = null, valueSize = null, flags = null;
        long valuesOffset = -1;
        for (BtfType.Member m : def.members()) {
            String field = m.name();
            switch (field) {
                case "type" -> type = uintField(name, m);
                case "max_entries" -> maxEntries = uintField(name, m);
                case "map_flags" -> flags = uintField(name, m);
                case "numa_node", "map_extra", "pinning" -> uintField(name, m); // accepted; nothing to do in a JVM
                case "key_size" -> keySize = sameSize(name, "key", keySize, uintField(name, m));
                case "value_size" -> valueSize = sameSize(name, "value", valueSize, uintField(name, m));
                case "key" -> keySize = sameSize(name, "key", keySize, typeField(name, m));
                case "value" -> valueSize = sameSize(name, "value", valueSize, typeField(name, m));
                case "values" -> {
                    if (!(btf.type(btf.skipModifiers(m.type())) instanceof BtfType.Array a) || a.nelems() != 0
                            || !(btf.type(btf.skipModifiers(a.elemType())) instanceof BtfType.Ptr)) {
                        throw new ElfException("map '" + name + "': field 'values' is not a flexible array of pointers (__array)");
                    }
                    if (def.bitOffsetOf(m) % 64 != 0) throw new ElfException("map '" + name + "': field 'values' is not 8-byte aligned");
                    valuesOffset = def.bitOffsetOf(m) / 8;
                    // a map of programs or maps holds 4-byte ids, as libbpf sets it
                    valueSize = sameSize(name, "value", valueSize, 4L);
                }
                default -> throw new ElfException("map '" + name + "': unknown field '" + field + "'");
            }
        }
        if (type == null) throw new ElfException("map '" + name + "': no type (__uint(type, BPF_MAP_TYPE_...))");
        MapType mapType = mapType(name, type);
        if (valuesOffset >= 0 && mapType != MapType.PROG_ARRAY) throw new ElfException("map '" + name + "': .values is only supported for PROG_ARRAY, not " + mapType);
        return new Builder(name, MapKind.BTF, mapType, toInt(name, "key_size", keySize), toInt(name, "value_size", valueSize),
                toInt(name, "max_entries", maxEntries), toInt(name, "map_flags", flags), false, new byte[0], sec, offset, size, valuesOffset);
    }

    private static int toInt(String map, String field, Long v) {
        if (v == null) return 0;
        if (v > 0xffffffffL) throw new ElfException("map '" + map + "': " + field + " " + v + " does not fit in 32 bits");
        // flags are bits; sizes and counts beyond 2^31 cannot be held in a JVM array
        if (!field.equals("map_flags") && v > Integer.MAX_VALUE) throw new ElfException("map '" + map + "': " + field + " " + v + " is too large");
        return (int) (long) v;
    }

    private static Long sameSize(String map, String what, Long old, Long now) {
        if (old != null && !old.equals(now)) throw new ElfException("map '" + map + "': conflicting " + what + " sizes " + old + " and " + now);
        return now;
    }

    /** {@code __uint(name, val)} is {@code int (*name)[val]}: a pointer to an array whose length is the value. */
    private long uintField(String map, BtfType.Member m) {
        if (!(btf.type(btf.skipModifiers(m.type())) instanceof BtfType.Ptr p) || !(btf.type(p.type()) instanceof BtfType.Array a)) {
            throw new ElfException("map '" + map + "': field '" + m.name() + "' is not __uint(" + m.name() + ", N) (a pointer to an array)");
        }
        return a.nelems();
    }

    /** {@code __type(name, T)} is {@code typeof(T) *name}: the size of the pointed-to type. */
    private long typeField(String map, BtfType.Member m) {
        if (!(btf.type(btf.skipModifiers(m.type())) instanceof BtfType.Ptr p)) {
            throw new ElfException("map '" + map + "': field '" + m.name() + "' is not __type(" + m.name() + ", T) (a pointer)");
        }
        return btf.sizeOf(p.type());
    }

    private void collectGlobalData(ElfSection sec) {
        if (sec.size() > MAX_GLOBAL_DATA) {
            throw new ElfException("section '" + sec.name() + "': " + sec.size() + " bytes of global data exceed the largest map value (" + MAX_GLOBAL_DATA + ")");
        }
        boolean ro = isReadOnlyData(sec);
        Builder b = new Builder(internalMapName(objName, sec.name()), MapKind.GLOBAL_DATA, MapType.ARRAY, 4, sec.size(), 1,
                ro ? MapSpec.BPF_F_RDONLY_PROG : 0, ro, elf.contents(sec).bytes(0, sec.size()), sec, 0, sec.size(), -1);
        for (ElfSymbol s : elf.symbols()) {
            if (s.shndx() != sec.index() || s.type() != ElfSymbol.STT_OBJECT) continue;
            if (s.value() < 0 || s.size() < 0 || s.value() > sec.size() || s.size() > sec.size() - s.value()) {
                throw new ElfException("variable '" + s.name() + "': [" + s.value() + ", +" + s.size() + ") is outside section '" + sec.name() + "'");
            }
            b.variables.add(new GlobalVariable(s.name(), (int) s.value(), (int) s.size()));
        }
        b.variables.sort(Comparator.comparingInt(GlobalVariable::offset));
        dataMaps.put(sec.index(), maps.size());
        maps.add(b);
    }

    /** Linux's {@code BPF_OBJ_NAME_LEN}: a map name holds at most 15 characters and a NUL. */
    static final int BPF_OBJ_NAME_LEN = 16;

    /**
     * libbpf's name for the map of a global-data section, which must fit {@code BPF_OBJ_NAME_LEN}:
     * up to 8 characters of the object's name, then the section name with room for at least 7
     * ({@code crash_kexec} + {@code .rodata} → {@code crash_ke.rodata}); a section with a second
     * dot is named alone ({@code .rodata.str1.1}); characters the kernel refuses become {@code _}.
     */
    static String internalMapName(String objName, String section) {
        int suffix = Math.min(Math.max(7, section.length()), BPF_OBJ_NAME_LEN - 1);
        int prefix = section.indexOf('.', 1) >= 0 ? 0 : Math.min(BPF_OBJ_NAME_LEN - suffix - 1, objName.length());
        String name = objName.substring(0, prefix) + section.substring(0, Math.min(suffix, section.length()));
        if (name.length() > BPF_OBJ_NAME_LEN - 1) name = name.substring(0, BPF_OBJ_NAME_LEN - 1);
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    /** The map index of a global-data section, if it is one. */
    OptionalInt dataMap(int sectionIndex) {
        Integer i = dataMaps.get(sectionIndex);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** The map declared at {@code offset} of a {@code maps}/{@code .maps} section. */
    OptionalInt mapAt(int sectionIndex, long offset) {
        for (int i = 0; i < maps.size(); i++) {
            Builder b = maps.get(i);
            if (b.kind != MapKind.GLOBAL_DATA && b.section.index() == sectionIndex && b.offset == offset) return OptionalInt.of(i);
        }
        return OptionalInt.empty();
    }

    boolean isMapSection(int sectionIndex) {
        ElfSection s = elf.section(sectionIndex);
        return s.name().equals("maps") || s.name().equals(".maps");
    }

    int dataSize(int mapIndex) { return maps.get(mapIndex).size; }

    /** An {@code R_BPF_64_ABS64} in {@code .maps}: a slot of a {@code PROG_ARRAY}'s {@code .values}. */
    void addSlot(long offset, String target, String where) {
        for (Builder b : maps) {
            if (b.kind != MapKind.BTF || offset < b.offset || offset >= b.offset + (long) b.size) continue;
            long rel = offset - b.offset - b.valuesOffset;
            if (b.valuesOffset < 0 || rel < 0 || rel % 8 != 0) {
                throw new ElfException(where + ": relocation at offset " + offset + " of map '" + b.name + "' is not in its .values");
            }
            long index = rel / 8;
            if (index >= Integer.toUnsignedLong(b.maxEntries)) {
                throw new ElfException(where + ": map '" + b.name + "' .values[" + index + "] is beyond max_entries " + Integer.toUnsignedString(b.maxEntries));
            }
            b.slots.add(new MapSlot((int) index, target));
            return;
        }
        throw new ElfException(where + ": relocation at offset " + offset + " is not inside any map");
    }

    void addDataRelocation(int mapIndex, DataRelocation r) { maps.get(mapIndex).dataRelocations.add(r); }

    List<MapSpec> build() {
        List<MapSpec> out = new ArrayList<>(maps.size());
        for (Builder b : maps) {
            b.slots.sort(Comparator.comparingInt(MapSlot::index));
            out.add(b.build());
        }
        return out;
    }
}
