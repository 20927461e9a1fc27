package dev.kbpf.shell.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON that {@code --json} prints: the command's data objects written by Jackson with
 * bpftool's snake_case names ({@code max_entries}, {@code map_ids}), on one line so that a script
 * reads one document per command.
 */
public final class Json {
    private Json() {}

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The mapper, for tests that read the output back. */
    public static ObjectMapper mapper() { return MAPPER; }

    public static String write(Object data) {
        try {
            return MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            // data objects are records of strings, numbers and lists: this is a programming error
            throw new IllegalStateException("cannot write " + data.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
