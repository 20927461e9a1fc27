package dev.kbpf.elf;

/** One {@code Elf64_Rel} entry: where to patch, against which symbol, how. BPF objects use REL, not RELA. */
record ElfRelocation(long offset, int symbolIndex, int type) {}
