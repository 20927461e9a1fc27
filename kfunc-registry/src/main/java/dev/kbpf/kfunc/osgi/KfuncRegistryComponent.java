package dev.kbpf.kfunc.osgi;

import dev.kbpf.kfunc.KfuncTable;
import dev.kbpf.spi.KfuncProvider;
import dev.kbpf.spi.KfuncRegistry;
import dev.kbpf.spi.KfuncRegistryListener;
import dev.kbpf.spi.ProgRef;
import dev.kbpf.spi.RegisteredKfunc;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The kfunc registry service. Kfunc sets arrive as {@link KfuncProvider} services from any bundle
 * and leave with it; when this bundle itself stops, every set goes, so listeners (core) unload
 * every program that calls a kfunc while programs using only helpers keep running.
 */
@Component(service = KfuncRegistry.class, immediate = true)
public class KfuncRegistryComponent implements KfuncRegistry {
    private static final Logger LOG = Logger.getLogger(KfuncRegistryComponent.class.getName());

    private final KfuncTable table = new KfuncTable(LOG::warning);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(KfuncProvider provider, ServiceReference<KfuncProvider> ref) {
        table.addSet(ref, provider.setName(), ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName(), provider.kfuncs());
    }

    void removeProvider(KfuncProvider provider, ServiceReference<KfuncProvider> ref) {
        String bundle = ref.getBundle() == null ? "its bundle" : ref.getBundle().getSymbolicName();
        table.removeSet(ref, "kfunc set " + provider.setName() + " of " + bundle + " unregistered");
    }

    @Deactivate
    void deactivate() {
        table.clear("kfunc registry stopped");
    }

    @Override public Optional<RegisteredKfunc> byName(String name) { return table.byName(name); }
    @Override public Optional<RegisteredKfunc> byId(int id) { return table.byId(id); }
    @Override public List<RegisteredKfunc> all() { return table.all(); }
    @Override public void recordUser(ProgRef prog, Collection<String> kfuncNames) { table.recordUser(prog, kfuncNames); }
    @Override public void forgetUser(int progId) { table.forgetUser(progId); }
    @Override public List<ProgRef> users(String kfuncName) { return table.users(kfuncName); }
    @Override public void addListener(KfuncRegistryListener listener) { table.addListener(listener); }
    @Override public void removeListener(KfuncRegistryListener listener) { table.removeListener(listener); }
}
