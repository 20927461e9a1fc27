package dev.kbpf.isa;

/**
 * A syntax error in assembler source or in a bpf_conformance {@code .data} test file.
 *
 * <p>The reason uses the texts of the upstream bpf_conformance assembler where it has one
 * ({@code Invalid mnemonic: …}, {@code Invalid register: …}, {@code Invalid label: …},
 * {@code Immediate out of 32-bit range: …}, {@code Offset out of 16-bit range: …}), so that
 * expectations written against upstream match ours after the {@code line N: } prefix.
 */
public final class AsmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String reason;

    /**
     * @param line   the 1-based source line the error is on
     * @param reason what is wrong, without the line prefix
     */
    public AsmException(int line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    /** The 1-based line of the source the error is on. */
    public int line() { return line; }

    /** What is wrong, without the {@code line N: } prefix (e.g. {@code Invalid mnemonic: foo}). */
    public String reason() { return reason; }
}
