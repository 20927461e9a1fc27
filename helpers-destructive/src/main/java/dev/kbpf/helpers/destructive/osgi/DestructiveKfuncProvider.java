package dev.kbpf.helpers.destructive.osgi;

import dev.kbpf.helpers.destructive.DestructiveKfuncs;
import dev.kbpf.spi.BpfKfunc;
import dev.kbpf.spi.KfuncProvider;
import dev.kbpf.spi.Machine;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Registers the {@value DestructiveKfuncs#SET_NAME} kfunc set for the kfunc registry. It needs the
 * machine: without one the set is not offered (a destructive call with nothing to act on must not
 * load). The reference is dynamic and greedy so a machine replaced by another (a new boot) is
 * picked up without withdrawing the set, which would unload every program calling it.
 */
@Component(service = KfuncProvider.class)
public class DestructiveKfuncProvider implements KfuncProvider {

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Machine machine;

    private final List<BpfKfunc> kfuncs = DestructiveKfuncs.kfuncs(() -> machine);

    @Override public String setName() { return DestructiveKfuncs.SET_NAME; }

    @Override public List<BpfKfunc> kfuncs() { return kfuncs; }
}
