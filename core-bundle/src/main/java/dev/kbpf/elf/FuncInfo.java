package dev.kbpf.elf;

/**
 * One {@code .BTF.ext} func-info record, moved onto a final program: the function (the program
 * itself or an appended subprogram) that starts at {@code insn}.
 *
 * @param insn      the instruction index in {@link ProgramSpec#insns()}
 * @param name      the function's C name
 * @param btfTypeId its {@code BTF_KIND_FUNC} type id in the object's BTF
 */
public record FuncInfo(int insn, String name, int btfTypeId) {}
