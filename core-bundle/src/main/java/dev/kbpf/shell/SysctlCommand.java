package dev.kbpf.shell;

import dev.kbpf.api.Credentials;
import dev.kbpf.shell.format.Output;
import dev.kbpf.sysctl.Sysctl;
import dev.kbpf.sysctl.SysctlRegistry;
import dev.kbpf.sysctl.SysctlSetting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bpf:sysctl}: read and write kbpf's sysctls as {@code sysctl(8)} does. The shell writes with
 * every capability (root); going beyond Linux, {@code --expire} makes a write return to the default
 * by itself — the answer to a switch like {@code kernel.destructive_bpf_enabled} left on by mistake.
 */
@Component(service = Object.class, property = {"osgi.command.scope=" + Commands.SCOPE, "osgi.command.function=sysctl"})
public class SysctlCommand {

    static final String USAGE = "sysctl [NAME...] | sysctl -w NAME=VALUE [--expire DURATION]   (DURATION like 30s, 10m, 2h; add --json for JSON)";

    @Reference
    private SysctlRegistry sysctls;

    /** For Declarative Services. */
    public SysctlCommand() {}

    SysctlCommand(SysctlRegistry sysctls) { this.sysctls = sysctls; }

    /** A sysctl with its value, its definition, and when a temporary value returns to the default. */
    public record SysctlView(String name, int value, int defaultValue, int min, int max, String expiresAt, String description) {}

    @Descriptor("Sysctls: list all, show some by name, or write one with -w NAME=VALUE (the shell writes as root, holding"
            + " CAP_SYS_ADMIN). kernel.destructive_bpf_enabled, kernel.panic, net.core.bpf_jit_enable, ...")
    public String sysctl(
            @Descriptor("print JSON instead of text") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("write NAME=VALUE") @Parameter(names = {"-w", "--write"}, presentValue = "true", absentValue = "false") boolean write,
            @Descriptor("with -w: return to the default after this long (30s, 10m, 2h, or ISO-8601 like PT90S)")
            @Parameter(names = {"--expire"}, absentValue = "") String expire,
            @Descriptor("NAME... to show, or NAME=VALUE with -w") String... args) {
        return Commands.run(json, () -> {
            Args a = new Args(args, USAGE);
            if (write) return write(a, expire, json);
            if (!expire.isBlank()) throw a.usageError("--expire goes with -w");
            List<SysctlView> views = new ArrayList<>();
            if (!a.hasNext()) {
                for (SysctlSetting s : sysctls.list()) views.add(view(s.name()));
            } else {
                for (String name : a.rest()) {
                    if (name.contains("=")) throw new CommandException("to write " + name + " use: sysctl -w " + name);
                    views.add(view(name));
                }
            }
            return Output.render(json, views, SysctlCommand::text);
        });
    }

    private SysctlView view(String name) {
        Sysctl d = sysctls.definition(name);
        return new SysctlView(d.name(), sysctls.get(d.name()), d.defaultValue(), d.min(), d.max(),
                sysctls.expiresAt(d.name()).map(Object::toString).orElse(null), d.description());
    }

    /** As {@code sysctl -a}: {@code kernel.panic = 0}, with {@code (until ...)} for a temporary value. */
    static String text(List<SysctlView> views) {
        StringBuilder sb = new StringBuilder();
        for (SysctlView v : views) {
            sb.append(v.name()).append(" = ").append(v.value());
            if (v.expiresAt() != null) sb.append("   (until ").append(v.expiresAt()).append(", then ").append(v.defaultValue()).append(')');
            sb.append('\n');
        }
        return sb.toString();
    }

    private String write(Args a, String expire, boolean json) {
        String assignment = a.next("NAME=VALUE");
        a.end();
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw a.usageError("'" + assignment + "' is not NAME=VALUE");
        String name = assignment.substring(0, eq).strip(), value = assignment.substring(eq + 1);
        if (expire.isBlank()) sysctls.set(name, value, Credentials.root());
        else sysctls.set(name, value, duration(expire), Credentials.root());
        return Output.render(json, List.of(view(name)), SysctlCommand::text);
    }

    /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, a bare number of seconds, or ISO-8601 ({@code PT90S}). */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) return Duration.parse(t.toUpperCase(Locale.ROOT));
            char unit = t.charAt(t.length() - 1);
            String digits = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
            long n = Long.parseLong(digits);
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> {
                    if (!Character.isDigit(unit)) throw new NumberFormatException();
                    yield Duration.ofSeconds(n);
                }
            };
        } catch (RuntimeException e) {
            throw new CommandException("--expire '" + text + "' is not a duration: write 30s, 10m, 2h, 1d or PT90S");
        }
    }
}
