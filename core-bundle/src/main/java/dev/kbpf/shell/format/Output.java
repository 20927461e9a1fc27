package dev.kbpf.shell.format;

import java.util.function.Function;

/**
 * The one place where a command's data object becomes text: JSON when {@code --json} was given,
 * else the command's own table. Commands compute data first and format second (as SCR's commands
 * do), so both forms always show the same facts.
 */
public final class Output {
    private Output() {}

    public static <T> String render(boolean json, T data, Function<? super T, String> table) {
        return json ? Json.write(data) : table.apply(data);
    }
}
