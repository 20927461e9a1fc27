package dev.kbpf.testkfunc;

import dev.kbpf.api.ProgType;
import dev.kbpf.spi.ArgType;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.FunctionProto;
import dev.kbpf.spi.KfuncDescriptor;
import dev.kbpf.spi.KfuncProvider;
import dev.kbpf.spi.RetType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * A kfunc set of one, {@code kbpf_test_add(a, b) = a + b}: what someone designing a new kfunc
 * drops into {@code deploy/} to try it without rebooting anything.
 */
@Component(service = KfuncProvider.class)
public class TestKfuncs implements KfuncProvider {
    public static final String ADD = "kbpf_test_add";

    @Override
    public String setName() { return "test"; }

    @Override
    public List<BpfKfunc> kfuncs() {
        KfuncDescriptor add = new KfuncDescriptor(ADD, FunctionProto.of(RetType.INTEGER, ArgType.ANYTHING, ArgType.ANYTHING),
                Set.of(), EnumSet.allOf(ProgType.class));
        return List.of(new BpfKfunc(add, (ctx, a, b, c, d, e) -> a + b));
    }
}
