package dev.kbpf.elf.btf;

/** The kinds of CO-RE relocation, {@code enum bpf_core_relo_kind} of Linux's UAPI, with libbpf's names. */
public enum CoreReloKind {
    FIELD_BYTE_OFFSET("byte_off"), FIELD_BYTE_SIZE("byte_sz"), FIELD_EXISTS("field_exists"), FIELD_SIGNED("signed"),
    FIELD_LSHIFT_U64("lshift_u64"), FIELD_RSHIFT_U64("rshift_u64"), TYPE_ID_LOCAL("local_type_id"),
    TYPE_ID_TARGET("target_type_id"), TYPE_EXISTS("type_exists"), TYPE_SIZE("type_size"),
    ENUMVAL_EXISTS("enumval_exists"), ENUMVAL_VALUE("enumval_value"), TYPE_MATCHES("type_matches");

    private final String libbpfName;

    CoreReloKind(String libbpfName) { this.libbpfName = libbpfName; }

    /** The name libbpf prints in its CO-RE messages. */
    public String libbpfName() { return libbpfName; }

    /** The kind with that UAPI number, or null. */
    public static CoreReloKind of(int kind) {
        return kind >= 0 && kind < values().length ? values()[kind] : null;
    }
}
