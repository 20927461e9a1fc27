package dev.kbpf.elf.btf;

import dev.kbpf.elf.ByteSlice;
import dev.kbpf.elf.ElfException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per ELF section, func info, line info and CO-RE relocation
 * records, each keyed by a byte offset in that section ({@code Documentation/bpf/btf.rst} 4.2).
 * Strings (section names, file names, source lines, access strings) live in {@code .BTF}.
 */
public final class BtfExt {

    /** A function starting at {@code insnOff} (bytes) whose {@code BTF_KIND_FUNC} is {@code typeId}. */
    public record FuncRecord(long insnOff, int typeId) {}

    /** Source position of the instructions starting at {@code insnOff} (bytes). */
    public record LineRecord(long insnOff, String file, String line, int lineNumber, int column) {}

    /**
     * A CO-RE relocation ({@code struct bpf_core_relo}): the instruction at {@code insnOff}
     * (bytes) holds a value about local type {@code typeId} along {@code access} ("0:1:2") of
     * the given {@link CoreReloKind}.
     */
    public record CoreRelo(long insnOff, int typeId, String access, int kind) {}

    private final Map<String, List<FuncRecord>> funcInfo;
    private final Map<String, List<LineRecord>> lineInfo;
    private final Map<String, List<CoreRelo>> coreRelos;

    private BtfExt(Map<String, List<FuncRecord>> funcInfo, Map<String, List<LineRecord>> lineInfo, Map<String, List<CoreRelo>> coreRelos) {
        this.funcInfo = funcInfo;
        this.lineInfo = lineInfo;
        this.coreRelos = coreRelos;
    }

    public static BtfExt parse(ByteSlice sec, Btf btf) {
        if (sec.length() < 24) throw new ElfException(".BTF.ext: " + sec.length() + " bytes is shorter than the 24-byte header");
        int magic = sec.u16(0);
        if (magic != Btf.MAGIC) throw new ElfException(".BTF.ext: bad magic 0x" + Integer.toHexString(magic) + " (expected 0xeb9f)");
        if (sec.u8(2) != 1) throw new ElfException(".BTF.ext: version " + sec.u8(2) + " is not 1");
        long hdrLen = sec.u32(4);
        if (hdrLen < 24 || hdrLen > sec.length()) throw new ElfException(".BTF.ext: header length " + hdrLen + " is invalid");
        ByteSlice body = sec.slice(hdrLen, sec.length() - hdrLen, ".BTF.ext data");
        Map<String, List<FuncRecord>> funcs = new LinkedHashMap<>();
        Map<String, List<LineRecord>> lines = new LinkedHashMap<>();
        Map<String, List<CoreRelo>> relos = new LinkedHashMap<>();
        ByteSlice funcSec = body.slice(sec.u32(8), sec.u32(12), ".BTF.ext func info");
        readInfo(funcSec, 8, btf, "func info", (s, r, name) -> funcs.computeIfAbsent(name, k -> new ArrayList<>())
                .add(new FuncRecord(s.u32(r), typeId(s.u32(r + 4), btf, "func info"))));
        ByteSlice lineSec = body.slice(sec.u32(16), sec.u32(20), ".BTF.ext line info");
        readInfo(lineSec, 16, btf, "line info", (s, r, name) -> {
            long lineCol = s.u32(r + 12);
            lines.computeIfAbsent(name, k -> new ArrayList<>()).add(new LineRecord(s.u32(r),
                    btf.string(s.u32(r + 4), "line info file name"), btf.string(s.u32(r + 8), "line info source line"),
                    (int) (lineCol >>> 10), (int) (lineCol & 0x3ff)));
        });
        if (hdrLen >= 32) {
            ByteSlice coreSec = body.slice(sec.u32(24), sec.u32(28), ".BTF.ext CO-RE relocations");
            readInfo(coreSec, 16, btf, "CO-RE relocation", (s, r, name) -> relos.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new CoreRelo(s.u32(r), typeId(s.u32(r + 4), btf, "CO-RE relocation"),
                            btf.string(s.u32(r + 8), "CO-RE access string"), s.s32(r + 12))));
        }
        return new BtfExt(freeze(funcs), freeze(lines), freeze(relos));
    }

    private interface RecordReader {
        void read(ByteSlice s, long recordOffset, String section);
    }

    /** The common layout: {@code u32 rec_size}, then per section {@code sec_name_off, num_info, records}. */
    private static void readInfo(ByteSlice s, int minRecSize, Btf btf, String what, RecordReader reader) {
        if (s.length() == 0) return;
        long recSize = s.u32(0);
        if (recSize < minRecSize || recSize > 1024 || (recSize & 3) != 0) {
            throw new ElfException(".BTF.ext " + what + ": record size " + recSize + " is invalid (at least " + minRecSize + ")");
        }
        long p = 4;
        while (p < s.length()) {
            String section = btf.string(s.u32(p), ".BTF.ext " + what + " section name");
            long n = s.u32(p + 4);
            p += 8;
            if (n == 0) throw new ElfException(".BTF.ext " + what + " for section '" + section + "' has no records");
            if (n > (s.length() - p) / recSize) throw new ElfException(".BTF.ext " + what + " for section '" + section + "': " + n + " records do not fit");
            for (long i = 0; i < n; i++, p += recSize) reader.read(s, p, section);
        }
    }

    private static int typeId(long id, Btf btf, String what) {
        if (id >= btf.size()) throw new ElfException(".BTF.ext " + what + ": type " + id + " does not exist (" + btf.size() + " types)");
        return (int) id;
    }

    private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
        m.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(m);
    }

    /** Func info records of an ELF section, by offset as clang wrote them. */
    public List<FuncRecord> funcInfo(String section) { return funcInfo.getOrDefault(section, List.of()); }

    public List<LineRecord> lineInfo(String section) { return lineInfo.getOrDefault(section, List.of()); }

    public List<CoreRelo> coreRelos(String section) { return coreRelos.getOrDefault(section, List.of()); }

    /** All sections that have CO-RE relocations. */
    public Map<String, List<CoreRelo>> coreRelos() { return coreRelos; }
}
