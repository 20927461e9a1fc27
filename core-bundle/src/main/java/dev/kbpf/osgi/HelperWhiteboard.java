package dev.kbpf.osgi;

import dev.kbpf.runtime.BpfRuntime;
import dev.kbpf.spi.HelperProvider;
import dev.kbpf.spi.KfuncRegistry;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Feeds the runtime the functions other bundles provide: every {@link HelperProvider} service
 * (whiteboard), and the kfunc registry while it is there. A provider leaving unloads the programs
 * that call its helpers; the registry leaving unloads every program that calls a kfunc.
 */
@Component(immediate = true)
public class HelperWhiteboard {

    private final BpfRuntime runtime;

    /**
     * The runtime comes through the constructor, so it is there before SCR calls any bind method
     * below (bind methods of dynamic references may run before field injection).
     */
    @Activate
    public HelperWhiteboard(@Reference BpfRuntime runtime) {
        this.runtime = runtime;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addHelperProvider(HelperProvider provider, ServiceReference<HelperProvider> ref) {
        runtime.addHelperProvider(ref, providerName(ref), provider.helpers());
    }

    void removeHelperProvider(HelperProvider provider, ServiceReference<HelperProvider> ref) {
        runtime.removeHelperProvider(ref, providerName(ref));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setKfuncRegistry(KfuncRegistry registry) {
        runtime.setKfuncRegistry(registry);
    }

    void unsetKfuncRegistry(KfuncRegistry registry) {
        if (runtime.kfuncRegistry().orElse(null) == registry) runtime.setKfuncRegistry(null);
    }

    @Deactivate
    void deactivate() {
        runtime.setKfuncRegistry(null);
    }

    private static String providerName(ServiceReference<?> ref) {
        return ref.getBundle() == null ? "a helper provider" : ref.getBundle().getSymbolicName();
    }
}
