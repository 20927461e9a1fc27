package dev.kbpf.spi;

import java.util.List;

/** The prototype of a helper or kfunc: what the verifier checks each call against. */
public record FunctionProto(RetType ret, List<ArgType> args) {

    public FunctionProto {
        if (args.size() > 5) throw new IllegalArgumentException("BPF functions take at most 5 arguments, got " + args.size());
        args = List.copyOf(args);
    }

    public static FunctionProto of(RetType ret, ArgType... args) { return new FunctionProto(ret, List.of(args)); }
}
