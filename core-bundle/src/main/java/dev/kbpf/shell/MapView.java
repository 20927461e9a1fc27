package dev.kbpf.shell;

import dev.kbpf.api.MapInfo;
import java.util.Locale;

/** A map as {@code map list}, {@code map show} and {@code map create} print it (bpftool's JSON names). */
public record MapView(int id, String name, String type, int bytesKey, int bytesValue, int maxEntries, int flags, boolean frozen) {

    public static MapView of(MapInfo m) {
        return new MapView(m.id(), m.name(), m.type().name().toLowerCase(Locale.ROOT), m.keySize(), m.valueSize(), m.maxEntries(),
                m.flags(), m.frozen());
    }

    String detail() {
        StringBuilder sb = new StringBuilder();
        ProgView.field(sb, "id", Integer.toString(id));
        ProgView.field(sb, "name", name.isEmpty() ? "-" : name);
        ProgView.field(sb, "type", type);
        ProgView.field(sb, "key", bytesKey + "B");
        ProgView.field(sb, "value", bytesValue + "B");
        ProgView.field(sb, "max_entries", Integer.toString(maxEntries));
        ProgView.field(sb, "flags", "0x" + Integer.toHexString(flags));
        ProgView.field(sb, "frozen", frozen ? "yes" : "no");
        return sb.toString();
    }
}
