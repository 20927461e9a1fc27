package dev.kbpf.api;

/**
 * One field of a tracepoint record, as Linux shows it in
 * {@code /sys/kernel/tracing/events/CATEGORY/NAME/format}:
 * {@code field:u32 pid;	offset:8;	size:4;	signed:0;}.
 *
 * @param type the C type name ({@code u64}, {@code s32}, {@code char[16]}, …)
 */
public record TracepointField(String name, String type, int offset, int size, boolean signed) {

    public TracepointField {
        if (name == null || name.isBlank()) throw new BpfException(Errno.EINVAL, "tracepoint field without a name");
        if (offset < 0 || size <= 0) throw new BpfException(Errno.EINVAL, "tracepoint field " + name + ": bad offset " + offset + " or size " + size);
    }

    public static TracepointField u64(String name, int offset) { return new TracepointField(name, "u64", offset, 8, false); }
    public static TracepointField s64(String name, int offset) { return new TracepointField(name, "s64", offset, 8, true); }
    public static TracepointField u32(String name, int offset) { return new TracepointField(name, "u32", offset, 4, false); }
    public static TracepointField s32(String name, int offset) { return new TracepointField(name, "s32", offset, 4, true); }
    public static TracepointField chars(String name, int offset, int size) { return new TracepointField(name, "char[" + size + "]", offset, size, false); }

    /** The line Linux prints for this field in a tracepoint's format file. */
    public String formatLine() {
        return "\tfield:" + (type.endsWith("]") ? type.substring(0, type.indexOf('[')) + " " + name + type.substring(type.indexOf('[')) : type + " " + name)
                + ";\toffset:" + offset + ";\tsize:" + size + ";\tsigned:" + (signed ? 1 : 0) + ";";
    }
}
