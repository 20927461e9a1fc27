package dev.kbpf.shell;

import dev.kbpf.api.LinkInfo;

/** A link as {@code link list} and {@code prog attach} print it: which program is attached to which tracepoint. */
public record LinkView(int id, int progId, String progName, String tracepoint) {

    public static LinkView of(LinkInfo l) { return new LinkView(l.id(), l.progId(), l.progName(), l.target()); }
}
