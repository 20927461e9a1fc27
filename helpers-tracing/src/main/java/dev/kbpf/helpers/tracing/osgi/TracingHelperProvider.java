package dev.kbpf.helpers.tracing.osgi;

import dev.kbpf.helpers.tracing.TracingHelpers;
import dev.kbpf.spi.BpfHelper;
import dev.kbpf.spi.HelperProvider;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Offers the tracing helpers to core's helper table while this bundle is active. Core binds
 * every {@link HelperProvider} (whiteboard); when this bundle stops the service goes away and core
 * detaches and unloads the programs that call these helpers, with a dmesg line for each.
 */
@Component(service = HelperProvider.class, immediate = true)
public class TracingHelperProvider implements HelperProvider {

    private final List<BpfHelper> helpers = TracingHelpers.create();

    @Override
    public List<BpfHelper> helpers() { return helpers; }
}
