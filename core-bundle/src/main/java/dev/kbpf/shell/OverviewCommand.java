package dev.kbpf.shell;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

/**
 * {@code bpf:bpf}: the overview a user gets by typing {@code bpf}, as {@code bpftool} alone prints
 * its usage. Each command's own help: {@code help bpf:prog}.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=bpf"})
public class OverviewCommand {

    static final String TEXT = """
            kbpf shell commands (scope bpf; 'help bpf:COMMAND' for options). Add -j/--json to any command for JSON.
              prog       %s
              map        %s
              link       %s
              tracepoint %s
              helpers    [--type T]                       stable helpers by UAPI id, with prototypes
              kfuncs                                      the kfunc registry's kfuncs
              kfunc      users NAME                       programs that would go if NAME's provider went
              sysctl     %s
              dmesg      [-r] [--level L]                 the kernel log of this boot
              tracelog   [--count N] [--timeout S]        follow the trace pipe (bpf_trace_printk)
              crash      list | show ID | log ID | bt ID  crash dumps (bundle dev.kbpf.helpers.destructive)
              feature                                     program/map types, helpers and kfuncs per type, JIT
              ids        prog|map|link|tracepoint         live ids, for completion and scripts
            Credentials: the shell holds every capability, like root running bpftool; 'prog load --caps CAP,...'
            loads with only those (e.g. --caps CAP_BPF,CAP_PERFMON to see the CAP_SYS_BOOT rail refuse a destructive load).
            Keys, values and contexts are hex bytes in memory order: '01 00 00 00' = '0x01000000' = the u32 1.
            """.formatted(ProgCommand.USAGE.substring(5), MapCommand.USAGE.substring(4), LinkCommand.USAGE.substring(5),
            TracepointCommand.USAGE.substring(11), SysctlCommand.USAGE.substring(7));

    @Descriptor("Overview of the kbpf commands")
    public String bpf() { return TEXT; }
}
