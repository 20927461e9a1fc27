package dev.kbpf.elf;

import dev.kbpf.elf.btf.Btf;
import dev.kbpf.elf.btf.BtfExt;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a BPF object file as clang compiles it from C with libbpf's headers
 * ({@code clang -O2 -g -target bpf -c prog.c}) into a {@link BpfObject}: programs linked with
 * their subprograms and relocated against the object's maps, global data and kfuncs, in the
 * form the verifier and the runtime take. Framework-free and stateless.
 *
 * <p>Every problem with the input is an {@link ElfException} naming what is wrong; no other
 * exception escapes for any input bytes.
 */
public final class ElfLoader {
    private final ElfFile elf;
    private final String objName;
    private final Btf btf;
    private final BtfExt btfExt;
    private final MapCollector maps;
    private final Map<Integer, CodeSection> code = new LinkedHashMap<>();
    private CodeSection text;

    private ElfLoader(byte[] bytes, String objName) {
        this.elf = ElfFile.parse(bytes);
        this.objName = objName;
        ElfSection btfSec = elf.byName(".BTF");
        this.btf = btfSec == null ? null : Btf.parse(elf.contents(btfSec));
        ElfSection extSec = elf.byName(".BTF.ext");
        if (extSec != null && btf == null) throw new ElfException("section '.BTF.ext' needs '.BTF', which the object lacks");
        this.btfExt = extSec == null ? null : BtfExt.parse(elf.contents(extSec), btf);
        this.maps = new MapCollector(elf, btf, objName);
    }

    /**
     * Loads an object from its bytes.
     *
     * @param bytes   the ELF file
     * @param objName the object's name, the prefix of global-data map names ({@code counter} → {@code counter.bss})
     * @throws ElfException when the object is malformed or uses something kbpf does not support
     */
    public static BpfObject load(byte[] bytes, String objName) {
        if (bytes == null) throw new ElfException("no object bytes");
        if (objName == null || objName.isEmpty()) throw new ElfException("an object needs a name");
        return new ElfLoader(bytes, objName).load();
    }

    /** Loads an object file; its name is the file name without {@code .o}. */
    public static BpfObject load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + path, e);
        }
        String file = path.getFileName().toString();
        return load(bytes, file.endsWith(".o") && file.length() > 2 ? file.substring(0, file.length() - 2) : file);
    }

    private BpfObject load() {
        String license = license();
        maps.collect();
        collectCode();
        for (ElfSection rel : elf.sections()) {
            if (rel.type() == ElfSection.SHT_RELA && relevant(elf.section(relaTarget(rel)))) {
                throw new ElfException(rel + ": RELA relocations are not used by BPF objects (expected REL)");
            }
            if (rel.type() != ElfSection.SHT_REL) continue;
            ElfSection target = elf.section(rel.info());
            if (code.containsKey(target.index())) relocateCode(code.get(target.index()), rel);
            else if (target.name().equals(".maps")) relocateMaps(rel);
            else if (maps.dataMap(target.index()).isPresent()) relocateData(target, rel);
            else if (target.name().equals("maps") && !elf.relocations(rel).isEmpty()) throw new ElfException(rel + ": relocations in legacy section 'maps' are not supported");
            // .BTF, .BTF.ext and DWARF relocations only matter to linkers
        }
        if (btfExt != null) new CoreRelocator(btf, btfExt).apply(code.values());
        List<ProgramSpec> programs = new ProgramLinker(code, text, btf, btfExt).link();
        if (programs.isEmpty()) throw new ElfException("object '" + objName + "' has no programs (no function in a SEC() section)");
        return new BpfObject(objName, license, maps.build(), programs);
    }

    private int relaTarget(ElfSection rela) {
        if (rela.info() <= 0 || rela.info() >= elf.sections().size()) throw new ElfException(rela + ": target section " + rela.info() + " is out of range");
        return rela.info();
    }

    private boolean relevant(ElfSection s) {
        return s.isExecutable() || s.name().equals(".maps") || s.name().equals("maps") || MapCollector.isGlobalData(s);
    }

    private String license() {
        ElfSection sec = elf.byName("license");
        if (sec == null) return "";
        if (sec.isNoBits()) throw new ElfException("section 'license' has no contents");
        byte[] b = elf.contents(sec).bytes(0, sec.size());
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private void collectCode() {
        for (ElfSection s : elf.sections()) {
            if (!s.isExecutable() || s.size() == 0) continue;
            if (!s.name().equals(".text") && ProgramSection.parse(s.name()).isEmpty()) {
                throw new ElfException(s + ": unknown program section; kbpf knows tracepoint/CAT/NAME, tp/, raw_tracepoint/, raw_tp/, "
                        + "kprobe/, kretprobe/, fentry/, fexit/, perf_event, socket, xdp, lirc_mode2");
            }
            CodeSection cs = new CodeSection(s, elf.contents(s));
            code.put(s.index(), cs);
            if (s.name().equals(".text")) text = cs;
        }
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.type() != ElfSymbol.STT_FUNC || sym.isUndefined()) continue;
            CodeSection cs = sym.shndx() < ElfSymbol.SHN_LORESERVE ? code.get(sym.shndx()) : null;
            if (cs == null) throw new ElfException(sym + ": a function outside any code section");
            cs.addFunction(sym);
        }
        for (CodeSection cs : code.values()) {
            cs.sealFunctions();
            if (cs != text && cs.functions.isEmpty()) throw new ElfException(cs.section + ": instructions but no function symbol (a program needs one)");
        }
    }

    private void relocateCode(CodeSection cs, ElfSection rel) {
        List<ElfRelocation> relocs = elf.relocations(rel);
        for (int k = 0; k < relocs.size(); k++) {
            ElfRelocation r = relocs.get(k);
            String where = "section '" + cs.name() + "' relocation " + k;
            RelocationType type = RelocationType.of(r.type(), where);
            ElfSymbol sym = elf.symbol(r.symbolIndex(), where);
            int i = cs.slotOf(r.offset(), where);
            where += " (insn " + i + ")";
            switch (type) {
                case R_BPF_NONE -> { }
                case R_BPF_64_64 -> relocateLoad(cs, i, sym, where);
                case R_BPF_64_32 -> relocateCall(cs, i, sym, where);
                default -> throw new ElfException(where + ": " + type + " against '" + sym.name() + "' cannot apply to an instruction");
            }
        }
    }

    /** {@code lddw} of a map, of global data or of a function (callback). */
    private void relocateLoad(CodeSection cs, int i, ElfSymbol sym, String where) {
        Insn insn = cs.insns[i];
        if (insn.opcode() != Opcodes.LD_IMM64 || i + 1 >= cs.insns.length) {
            throw new ElfException(where + ": R_BPF_64_64 against '" + sym.name() + "' is not on a lddw instruction (opcode 0x" + Integer.toHexString(insn.opcode()) + ")");
        }
        if (sym.isUndefined()) throw new ElfException(where + ": extern variable '" + sym.name() + "' (__ksym or __kconfig) is not supported by kbpf");
        if (sym.shndx() >= ElfSymbol.SHN_LORESERVE) throw new ElfException(where + ": symbol '" + sym.name() + "' is not in a section");
        ElfSection target = elf.section(sym.shndx());
        long off = sym.value() + insn.imm();
        Insn next = cs.insns[i + 1];
        if (maps.isMapSection(target.index())) {
            int map = maps.mapAt(target.index(), off).orElseThrow(() ->
                    new ElfException(where + ": '" + sym.name() + "' at offset " + off + " of section '" + target.name() + "' is not a map"));
            cs.insns[i] = new Insn(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX, insn.off(), map);
            cs.insns[i + 1] = new Insn(next.opcode(), next.dst(), next.src(), next.off(), 0);
        } else if (maps.dataMap(target.index()).isPresent()) {
            int map = maps.dataMap(target.index()).getAsInt();
            if (off < 0 || off >= maps.dataSize(map)) {
                throw new ElfException(where + ": offset " + off + " of '" + sym.name() + "' is outside section '" + target.name() + "' (" + maps.dataSize(map) + " bytes)");
            }
            cs.insns[i] = new Insn(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX_VALUE, insn.off(), map);
            cs.insns[i + 1] = new Insn(next.opcode(), next.dst(), next.src(), next.off(), (int) off);
        } else if (text != null && target.index() == text.section.index()) {
            if (off < 0 || off % 8 != 0 || off >= text.insns.length * 8L) throw new ElfException(where + ": address of '" + sym.name() + "' + " + insn.imm() + " is not an instruction of .text");
            cs.textTarget[i] = (int) (off / 8);
            cs.insns[i] = new Insn(insn.opcode(), insn.dst(), Opcodes.PSEUDO_FUNC, insn.off(), 0);
        } else {
            throw new ElfException(where + ": lddw of '" + sym.name() + "' in section '" + target.name() + "', which is neither a map, global data nor a subprogram in .text");
        }
    }

    /** A {@code call} of a subprogram in {@code .text} or of an extern ({@code __ksym}) function. */
    private void relocateCall(CodeSection cs, int i, ElfSymbol sym, String where) {
        Insn insn = cs.insns[i];
        if (insn.opcode() != (Opcodes.JMP | Opcodes.CALL) || insn.src() != Opcodes.PSEUDO_CALL) {
            throw new ElfException(where + ": R_BPF_64_32 against '" + sym.name() + "' is not on a call instruction (opcode 0x"
                    + Integer.toHexString(insn.opcode()) + ", src " + insn.src() + ")");
        }
        if (sym.isUndefined()) {
            if (sym.name().isEmpty() || sym.bind() == ElfSymbol.STB_LOCAL) throw new ElfException(where + ": call of an unnamed or local undefined symbol");
            cs.kfunc[i] = sym.name();
            return;
        }
        if (sym.shndx() >= ElfSymbol.SHN_LORESERVE) throw new ElfException(where + ": call of '" + sym.name() + "', which is not in a section");
        ElfSection target = elf.section(sym.shndx());
        if (text != null && target.index() == text.section.index()) {
            if (sym.value() % 8 != 0) throw new ElfException(where + ": call of '" + sym.name() + "' at unaligned offset " + sym.value());
            long t = sym.value() / 8 + insn.imm() + 1;
            if (t < 0 || t >= text.insns.length) throw new ElfException(where + ": call of '" + sym.name() + "' lands at insn " + t + ", outside .text (" + text.insns.length + " instructions)");
            cs.textTarget[i] = (int) t;
        } else if (target.isExecutable()) {
            throw new ElfException(where + ": call of '" + sym.name() + "' in program section '" + target.name() + "': a program cannot call another program (make it a subprogram in .text)");
        } else {
            throw new ElfException(where + ": call of '" + sym.name() + "' in section '" + target.name() + "', which is not code");
        }
    }

    /** {@code R_BPF_64_ABS64} in {@code .maps}: libbpf's declarative initial values of a program array. */
    private void relocateMaps(ElfSection rel) {
        List<ElfRelocation> relocs = elf.relocations(rel);
        for (int k = 0; k < relocs.size(); k++) {
            ElfRelocation r = relocs.get(k);
            String where = "section '.maps' relocation " + k;
            RelocationType type = RelocationType.of(r.type(), where);
            if (type == RelocationType.R_BPF_NONE) continue;
            ElfSymbol sym = elf.symbol(r.symbolIndex(), where);
            if (type != RelocationType.R_BPF_64_ABS64) throw new ElfException(where + ": " + type + " against '" + sym.name() + "' is not supported in .maps");
            boolean program = sym.type() == ElfSymbol.STT_FUNC && !sym.isUndefined() && code.containsKey(sym.shndx())
                    && (text == null || sym.shndx() != text.section.index());
            boolean map = sym.type() == ElfSymbol.STT_OBJECT && !sym.isUndefined() && sym.shndx() < ElfSymbol.SHN_LORESERVE
                    && elf.section(sym.shndx()).name().equals(".maps");
            if (!program && !map) throw new ElfException(where + ": '" + sym.name() + "' in a map's .values is neither a program nor a map");
            maps.addSlot(r.offset(), sym.name(), where);
        }
    }

    /** Addresses stored in global data ({@code R_BPF_64_ABS64}/{@code ABS32}), kept for the runtime to fill. */
    private void relocateData(ElfSection target, ElfSection rel) {
        int mapIndex = maps.dataMap(target.index()).getAsInt();
        ByteSlice data = elf.contents(target);
        List<ElfRelocation> relocs = elf.relocations(rel);
        for (int k = 0; k < relocs.size(); k++) {
            ElfRelocation r = relocs.get(k);
            String where = "section '" + target.name() + "' relocation " + k;
            RelocationType type = RelocationType.of(r.type(), where);
            if (type == RelocationType.R_BPF_NONE) continue;
            ElfSymbol sym = elf.symbol(r.symbolIndex(), where);
            int width = switch (type) {
                case R_BPF_64_ABS64 -> 8;
                case R_BPF_64_ABS32 -> 4;
                default -> throw new ElfException(where + ": " + type + " against '" + sym.name() + "' is not supported in global data");
            };
            if (r.offset() < 0 || r.offset() > target.size() - width) throw new ElfException(where + ": offset " + r.offset() + " is outside section '" + target.name() + "'");
            long addend = width == 8 ? data.u64(r.offset()) : data.u32(r.offset());
            int targetMap = sym.isUndefined() || sym.shndx() >= ElfSymbol.SHN_LORESERVE ? -1 : maps.dataMap(sym.shndx()).orElse(-1);
            if (targetMap < 0) throw new ElfException(where + ": the address of '" + sym.name() + "' cannot be stored in global data (only addresses of global data can)");
            maps.addDataRelocation(mapIndex, new DataRelocation((int) r.offset(), width, targetMap, sym.value() + addend));
        }
    }
}
