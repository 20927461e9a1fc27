package dev.kbpf.elf;

import dev.kbpf.elf.btf.Btf;
import dev.kbpf.elf.btf.BtfExt;
import dev.kbpf.elf.btf.BtfType;
import dev.kbpf.elf.btf.CoreReloKind;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import java.util.Collection;
import java.util.Map;

/**
 * CO-RE relocations ({@code .BTF.ext} {@code core_relo}) against local BTF. kbpf has no kernel
 * BTF: a program's context is a kbpf tracepoint record that the program declares itself, so its
 * own BTF is the target. For the kinds that local BTF answers (field byte offset and size, field
 * and type existence, local type id, type size, enumerator existence and value) the value is
 * computed from the access string and checked against the instruction, as libbpf validates the
 * original value before patching; any other kind is an error naming the relocation.
 */
final class CoreRelocator {
    private final Btf btf;
    private final BtfExt ext;

    CoreRelocator(Btf btf, BtfExt ext) {
        this.btf = btf;
        this.ext = ext;
    }

    void apply(Collection<CodeSection> sections) {
        for (Map.Entry<String, java.util.List<BtfExt.CoreRelo>> e : ext.coreRelos().entrySet()) {
            CodeSection cs = sections.stream().filter(s -> s.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new ElfException(".BTF.ext: CO-RE relocations for section '" + e.getKey() + "', which has no code"));
            for (BtfExt.CoreRelo r : e.getValue()) apply(cs, r);
        }
    }

    private void apply(CodeSection cs, BtfExt.CoreRelo r) {
        CoreReloKind kind = CoreReloKind.of(r.kind());
        String what = "CO-RE relocation [" + r.typeId() + "] " + typeName(r.typeId()) + " access '" + r.access() + "' kind "
                + (kind == null ? String.valueOf(r.kind()) : kind.libbpfName()) + " at insn " + (r.insnOff() / 8) + " of section '" + cs.name() + "'";
        if (kind == null) throw new ElfException(what + ": unknown kind");
        int i = cs.slotOf(r.insnOff(), what);
        long value = switch (kind) {
            case FIELD_BYTE_OFFSET -> field(r, what).bitOffset / 8;
            case FIELD_BYTE_SIZE -> btf.sizeOf(field(r, what).type);
            case FIELD_EXISTS, TYPE_EXISTS -> { check(r, what, kind); yield 1; }
            case TYPE_ID_LOCAL -> { check(r, what, kind); yield r.typeId(); }
            case TYPE_SIZE -> { check(r, what, kind); yield btf.sizeOf(r.typeId()); }
            case ENUMVAL_EXISTS -> { enumValue(r, what); yield 1; }
            case ENUMVAL_VALUE -> enumValue(r, what).value();
            default -> throw new ElfException(what + ": kbpf cannot apply this kind (no kernel BTF to relocate against)");
        };
        Insn insn = cs.insns[i];
        long current;
        int cls = insn.cls();
        if (cls == Opcodes.ALU || cls == Opcodes.ALU64) current = insn.imm();
        else if (cls == Opcodes.LDX || cls == Opcodes.ST || cls == Opcodes.STX) current = insn.off();
        else if (insn.opcode() == Opcodes.LD_IMM64 && i + 1 < cs.insns.length) current = insn.imm64(cs.insns[i + 1]);
        else throw new ElfException(what + ": instruction opcode 0x" + Integer.toHexString(insn.opcode()) + " cannot carry a CO-RE value");
        if (current != value) throw new ElfException(what + ": instruction holds " + current + " but local BTF gives " + value);
    }

    private record Field(int type, long bitOffset) {}

    /** Walks an access string "0:1:2": an index into the root pointer, then struct member or array element indexes. */
    private Field field(BtfExt.CoreRelo r, String what) {
        int[] idx = access(r, what);
        int type = r.typeId();
        long bits = idx[0] * btf.sizeOf(type) * 8;
        for (int k = 1; k < idx.length; k++) {
            BtfType t = btf.type(btf.skipModifiers(type));
            if (t instanceof BtfType.Struct s) {
                if (idx[k] >= s.members().size()) throw new ElfException(what + ": member " + idx[k] + " does not exist in " + typeName(type));
                BtfType.Member m = s.members().get(idx[k]);
                if (s.kindFlag() && (m.bitOffset() >>> 24) != 0) throw new ElfException(what + ": bitfield members are not supported");
                bits += s.bitOffsetOf(m);
                type = m.type();
            } else if (t instanceof BtfType.Array a) {
                if (idx[k] >= a.nelems() && a.nelems() != 0) throw new ElfException(what + ": index " + idx[k] + " is out of the array's bounds");
                bits += idx[k] * btf.sizeOf(a.elemType()) * 8;
                type = a.elemType();
            } else {
                throw new ElfException(what + ": step " + k + " goes into " + typeName(type) + ", which is neither a struct nor an array");
            }
        }
        if (bits % 8 != 0) throw new ElfException(what + ": field is not byte-aligned");
        return new Field(type, bits);
    }

    private void check(BtfExt.CoreRelo r, String what, CoreReloKind kind) {
        if (kind == CoreReloKind.FIELD_EXISTS) field(r, what);
        else if (!r.access().equals("0")) throw new ElfException(what + ": a type relocation's access string must be \"0\"");
    }

    private BtfType.EnumValue enumValue(BtfExt.CoreRelo r, String what) {
        int[] idx = access(r, what);
        if (!(btf.type(btf.skipModifiers(r.typeId())) instanceof BtfType.Enum e) || idx.length != 1 || idx[0] >= e.values().size()) {
            throw new ElfException(what + ": not an enumerator of an enum");
        }
        return e.values().get(idx[0]);
    }

    private static int[] access(BtfExt.CoreRelo r, String what) {
        String[] parts = r.access().split(":", -1);
        int[] idx = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            try {
                idx[k] = Integer.parseInt(parts[k]);
            } catch (NumberFormatException e) {
                idx[k] = -1;
            }
            if (idx[k] < 0) throw new ElfException(what + ": malformed access string");
        }
        return idx;
    }

    private String typeName(int id) {
        if (id < 0 || id >= btf.size()) return "<type " + id + ">";
        BtfType t = btf.type(id);
        return Btf.kindName(t).toLowerCase(java.util.Locale.ROOT) + " " + (t.name().isEmpty() ? "(anon)" : t.name());
    }
}
