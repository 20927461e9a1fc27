package dev.kbpf.shell;

import dev.kbpf.shell.format.Output;
import dev.kbpf.spi.KmsgRecord;
import dev.kbpf.spi.LogLevel;
import dev.kbpf.spi.Machine;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code bpf:dmesg}: the kernel log of this boot, as {@code dmesg} prints it. */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=dmesg"})
public class DmesgCommand {

    @Reference
    private Machine machine;

    /** For Declarative Services. */
    public DmesgCommand() {}

    DmesgCommand(Machine machine) { this.machine = machine; }

    /** One kernel log line: sequence number, level, uptime and text. */
    public record KmsgView(long seq, String level, int levelValue, long uptimeNs, String text) {
        static KmsgView of(KmsgRecord r) { return new KmsgView(r.seq(), r.level().name(), r.level().value(), r.uptimeNanos(), r.text()); }
    }

    @Descriptor("The kernel log of this boot: program loads and unloads, helpers and kfuncs coming and going, destructive"
            + " calls, panics. Lines look like '[   12.345678] message'.")
    public String dmesg(
            @Descriptor("print JSON instead of text") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("print each line's level first, as <4>") @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("only lines this urgent or more: 0..7 or emerg, alert, crit, err, warning, notice, info, debug")
            @Parameter(names = {"-l", "--level"}, absentValue = "") String level) {
        return Commands.run(json, () -> {
            int max = level.isBlank() ? LogLevel.KERN_DEBUG.value() : LogLevel.parse(level).value();
            List<KmsgRecord> lines = machine.dmesg().stream().filter(r -> r.level().value() <= max).toList();
            if (json) return Output.render(true, lines.stream().map(KmsgView::of).toList(), x -> "");
            StringBuilder sb = new StringBuilder();
            for (KmsgRecord r : lines) sb.append(raw ? r.formatRaw() : r.format()).append('\n');
            return sb.toString();
        });
    }
}
