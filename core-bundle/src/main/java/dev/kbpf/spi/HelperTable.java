package dev.kbpf.spi;

import dev.kbpf.api.ProgType;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The stable helpers the verifier resolves calls against right now: every {@link HelperProvider}'s
 * helpers, as the runtime has bound them. Offered as a service by core so that tools (the
 * {@code helpers} and {@code feature} shell commands) can show what a program of each type may call.
 */
public interface HelperTable {

    /** Every bound helper, by ascending id. */
    List<HelperDescriptor> helpers();

    /** The helpers a program of {@code type} may call, by ascending id. */
    default List<HelperDescriptor> helpers(ProgType type) {
        return helpers().stream().filter(h -> h.progTypes().contains(type))
                .sorted(Comparator.comparingInt(HelperDescriptor::id)).toList();
    }

    /** The helper bound to a Linux UAPI id, if any. */
    default Optional<HelperDescriptor> byId(int id) {
        return helpers().stream().filter(h -> h.id() == id).findFirst();
    }
}
