package dev.kbpf.exec;

import dev.kbpf.spi.HelperFunction;
import java.util.Arrays;
import java.util.Objects;

/**
 * The functions a program may call, by number: helpers by their Linux UAPI id ({@code call imm},
 * {@code callx}), or kfuncs by the id the kfunc registry gave them ({@code call} with src 2).
 *
 * <p>Immutable and array-backed, so a call is one array load. An executor copies the array when
 * it is created: the functions a program calls are bound at load time, as in Linux.
 */
public final class FunctionTable {
    /** Ids above this are refused: tables are dense arrays. */
    public static final int MAX_ID = 0xffff;
    public static final FunctionTable EMPTY = new FunctionTable(new HelperFunction[0], new String[0]);

    private final HelperFunction[] functions;
    private final String[] names;

    private FunctionTable(HelperFunction[] functions, String[] names) {
        this.functions = functions;
        this.names = names;
    }

    /** The function with this id, or {@code null}. */
    public HelperFunction get(int id) {
        return id >= 0 && id < functions.length ? functions[id] : null;
    }

    /** The name registered with this id, or {@code null}. */
    public String name(int id) {
        return id >= 0 && id < names.length ? names[id] : null;
    }

    /** A copy of the table as an array indexed by id ({@code null} where there is no function). */
    public HelperFunction[] toArray() { return functions.clone(); }

    public static Builder builder() { return new Builder(); }

    /** Collects functions by id. */
    public static final class Builder {
        private HelperFunction[] functions = new HelperFunction[0];
        private String[] names = new String[0];

        /** Adds {@code function} under {@code id}, replacing what was there. */
        public Builder put(int id, String name, HelperFunction function) {
            if (id < 0 || id > MAX_ID) throw new IllegalArgumentException("function id " + id + " is outside 0.." + MAX_ID);
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(function, "function");
            if (id >= functions.length) {
                functions = Arrays.copyOf(functions, id + 1);
                names = Arrays.copyOf(names, id + 1);
            }
            functions[id] = function;
            names[id] = name;
            return this;
        }

        public FunctionTable build() { return new FunctionTable(functions.clone(), names.clone()); }
    }
}
