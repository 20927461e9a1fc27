package dev.kbpf.verifier;

/**
 * What the verifier knows a register holds ({@code enum bpf_reg_type}), with the names the
 * kernel's log uses ({@code reg_type_str}).
 */
enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    PTR_TO_CTX("ctx"),
    CONST_PTR_TO_MAP("map_ptr"),
    PTR_TO_MAP_VALUE("map_value"),
    PTR_TO_MAP_VALUE_OR_NULL("map_value_or_null"),
    PTR_TO_MAP_KEY("map_key"),
    PTR_TO_STACK("fp"),
    PTR_TO_MEM("mem"),
    PTR_TO_MEM_OR_NULL("mem_or_null"),
    PTR_TO_FUNC("func");

    final String logName;

    RegType(String logName) { this.logName = logName; }

    boolean isPointer() { return this != NOT_INIT && this != SCALAR; }

    boolean maybeNull() { return this == PTR_TO_MAP_VALUE_OR_NULL || this == PTR_TO_MEM_OR_NULL; }

    /** The type a null-checked pointer becomes on the non-null branch. */
    RegType nonNull() {
        return switch (this) {
            case PTR_TO_MAP_VALUE_OR_NULL -> PTR_TO_MAP_VALUE;
            case PTR_TO_MEM_OR_NULL -> PTR_TO_MEM;
            default -> this;
        };
    }
}
