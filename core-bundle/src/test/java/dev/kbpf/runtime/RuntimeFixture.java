package dev.kbpf.runtime;

import dev.kbpf.api.Credentials;
import dev.kbpf.api.ProgType;
import dev.kbpf.isa.Assembler;
import dev.kbpf.isa.Insn;
import dev.kbpf.isa.Opcodes;
import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.machine.RecordingFrameworkControl;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.HelperDescriptor;
import dev.kbpf.spi.RetType;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A runtime with a recording machine and the map helpers, as the tracing helpers bundle provides them. */
final class RuntimeFixture implements AutoCloseable {
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final SysctlRegistry sysctls = SysctlRegistry.withStandardSysctls(SysctlStore.none(), scheduler, Clock.systemUTC(), w -> {});
    final RecordingFrameworkControl control = new RecordingFrameworkControl();
    final FrameworkMachine machine = FrameworkMachine.builder(control, sysctls, scheduler).console(line -> {}).build();
    final BpfRuntime bpf = new BpfRuntime(machine, sysctls);
    static final Object MAP_HELPERS = new Object();

    RuntimeFixture() {
        bpf.addHelperProvider(MAP_HELPERS, "test map helpers", mapHelpers());
    }

    static List<BpfHelper> mapHelpers() {
        EnumSet<ProgType> all = EnumSet.allOf(ProgType.class);
        List<BpfHelper> h = new ArrayList<>();
        h.add(new BpfHelper(new HelperDescriptor(1, "map_lookup_elem",
                FunctionProto.of(RetType.PTR_TO_MAP_VALUE_OR_NULL, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY), all, false),
                (ctx, r1, r2, r3, r4, r5) -> ctx.services().mapLookup(ctx, r1, r2)));
        h.add(new BpfHelper(new HelperDescriptor(2, "map_update_elem",
                FunctionProto.of(RetType.INTEGER, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY, ArgType.PTR_TO_MAP_VALUE, ArgType.ANYTHING), all, false),
                (ctx, r1, r2, r3, r4, r5) -> ctx.services().mapUpdate(ctx, r1, r2, r3, r4)));
        h.add(new BpfHelper(new HelperDescriptor(3, "map_delete_elem",
                FunctionProto.of(RetType.INTEGER, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY), all, false),
                (ctx, r1, r2, r3, r4, r5) -> ctx.services().mapDelete(ctx, r1, r2)));
        return h;
    }

    /**
     * Assembles a program in the bpf_conformance syntax; {@code lddw %rN, map:ID} loads the handle
     * of map ID (a pseudo map fd lddw, as libbpf emits it).
     */
    static List<Insn> asm(String source) {
        List<Integer> mapRefs = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (String line : source.split("\n")) {
            int at = line.indexOf("map:");
            if (line.strip().startsWith("lddw") && at >= 0) {
                mapRefs.add(Integer.parseInt(line.substring(at + 4).strip()));
                line = line.substring(0, at) + "0x" + Integer.toHexString(0x7fff0000 + mapRefs.size() - 1);
            }
            plain.append(line).append('\n');
        }
        List<Insn> insns = new ArrayList<>(Assembler.assemble(plain.toString()));
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            if (in.opcode() == Opcodes.LD_IMM64 && (in.imm() & 0xffff0000) == 0x7fff0000) {
                insns.set(i, new Insn(in.opcode(), in.dst(), Opcodes.PSEUDO_MAP_FD, 0, mapRefs.get(in.imm() & 0xffff)));
            }
        }
        return insns;
    }

    static Credentials root() { return Credentials.root(); }

    @Override
    public void close() {
        bpf.shutdown();
        scheduler.shutdownNow();
    }
}
