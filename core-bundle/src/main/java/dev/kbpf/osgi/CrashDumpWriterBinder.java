package dev.kbpf.osgi;

import dev.kbpf.machine.FrameworkMachine;
import dev.kbpf.spi.CrashDumpWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** Gives the machine the crash dump writer that a bundle (helpers-destructive) provides, while it is there. */
@Component(immediate = true)
public class CrashDumpWriterBinder {

    private final FrameworkMachine machine;

    /** The machine comes through the constructor, so it is there before SCR calls the bind method below. */
    @Activate
    public CrashDumpWriterBinder(@Reference FrameworkMachine machine) {
        this.machine = machine;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setWriter(CrashDumpWriter writer) {
        machine.setCrashDumpWriter(writer);
    }

    void unsetWriter(CrashDumpWriter writer) {
        if (machine.crashDumpWriter().orElse(null) == writer) machine.setCrashDumpWriter(null);
    }
}
