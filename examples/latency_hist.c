// SPDX-License-Identifier: GPL-2.0
/* latency_hist: a log2 histogram of JVM garbage collection pauses in an array map. */
#include "kbpf.h"

#define MAX_SLOTS 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* floor(log2(v)) for v > 0, 0 for v == 0, without a loop: the verifier sees straight-line code. */
static __always_inline __u32 log2l(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

SEC("tp/jvm/gc_pause")
int gc_pause_hist(struct gc_pause *ctx)
{
	__u64 us = ctx->duration_ns / 1000;
	__u32 slot = log2l(us);
	__u64 *count;

	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	count = bpf_map_lookup_elem(&hist, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}
