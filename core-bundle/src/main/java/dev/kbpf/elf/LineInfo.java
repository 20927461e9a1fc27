package dev.kbpf.elf;

/**
 * One {@code .BTF.ext} line-info record, moved onto a final program: the C source line that
 * starts at instruction {@code insn}. As in Linux, a record covers the instructions up to the next one.
 *
 * @param insn   the instruction index in {@link ProgramSpec#insns()}
 * @param file   the source file as clang recorded it (often an absolute path)
 * @param source the text of the line, leading whitespace removed (as the kernel prints it)
 * @param line   the line number, from 1
 * @param column the column, from 1 (0 when unknown)
 */
public record LineInfo(int insn, String file, String source, int line, int column) {

    /** The line as Linux's verifier log prints it above the instructions: {@code ; __u32 pid = c->pid; @ counter.c:18}. */
    public String verifierLogLine() {
        int slash = file.lastIndexOf('/');
        return "; " + source + " @ " + file.substring(slash + 1) + ":" + line;
    }
}
