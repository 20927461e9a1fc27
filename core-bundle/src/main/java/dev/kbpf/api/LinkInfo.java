package dev.kbpf.api;

/** What {@code link list} tells about a link: which program is attached to which tracepoint. */
public record LinkInfo(int id, int progId, String progName, String target) {}
