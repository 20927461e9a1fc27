package dev.kbpf.itest;

import static org.junit.Assert.*;

import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Every kbpf bundle resolves and starts in a real Felix, and the shell answers. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundlesActiveIT {

    @Inject
    private BundleContext ctx;

    @Configuration
    public Option[] config() {
        return KbpfOptions.framework();
    }

    @Test
    public void everyKbpfBundleIsActive() {
        for (String bsn : List.of(KbpfOptions.CORE, KbpfOptions.KFUNC, KbpfOptions.HELPERS_TRACING, KbpfOptions.HELPERS_DESTRUCTIVE)) {
            Bundle b = Arrays.stream(ctx.getBundles()).filter(x -> bsn.equals(x.getSymbolicName())).findFirst().orElse(null);
            assertNotNull("bundle " + bsn + " is not installed", b);
            assertEquals("bundle " + bsn + " is not ACTIVE", Bundle.ACTIVE, b.getState());
        }
    }

    @Test
    public void gogoCommandsRunThroughTheCommandProcessor() throws Exception {
        String out = Gogo.run(ctx, "lb -s");
        assertTrue(out, out.contains(KbpfOptions.CORE));
        assertTrue(out, out.contains(KbpfOptions.KFUNC));
    }
}
