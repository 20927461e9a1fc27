package dev.kbpf.elf;

/**
 * A BPF object that kbpf cannot load: malformed ELF, BTF or BTF.ext, or a construct kbpf does
 * not support. The message names what is wrong (section, symbol, offset, relocation) so that
 * the user can find it in {@code llvm-objdump -d -r} or {@code readelf -a} output.
 *
 * <p>Unchecked, like {@link dev.kbpf.api.BpfException}: the loader is called from code that
 * turns it into {@code EINVAL} for the shell and the {@code Bpf} service.
 */
public class ElfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ElfException(String message) {
        super(message);
    }
}
