// SPDX-License-Identifier: GPL-2.0
/* Test fixture: one program per SEC() form kbpf knows, in one object. */
#include "kbpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("tracepoint/osgi/bundle_event") int tp_full(void *ctx) { return 1; }
SEC("tp/jvm/gc_pause") int tp_short(void *ctx) { return 2; }
SEC("raw_tracepoint/bundle_event") int raw_full(void *ctx) { return 3; }
SEC("raw_tp/gc_pause") int raw_short(void *ctx) { return 4; }
SEC("kprobe/Bundle.start") int kp(void *ctx) { return 5; }
SEC("kretprobe/Bundle.start") int kretp(void *ctx) { return 6; }
SEC("fentry/Bundle.stop") int fent(void *ctx) { return 7; }
SEC("fexit/Bundle.stop") int fex(void *ctx) { return 8; }
SEC("perf_event") int perf(void *ctx) { return 9; }
SEC("socket") int sock(void *ctx) { return 10; }
SEC("xdp") int xdp_pass(void *ctx) { return 2; /* XDP_PASS */ }
SEC("lirc_mode2") int lirc(unsigned int *sample) { return 0; }
