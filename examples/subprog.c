// SPDX-License-Identifier: GPL-2.0
/*
 * subprog: two programs share a static and a global subprogram in .text; the loader appends
 * them to each program that calls them.
 */
#include "kbpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

/* Adds delta to a slot of stats; a static function the compiler must not inline. */
static __noinline int bump(__u32 slot, __u64 delta)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &slot);

	if (!v)
		return -1;
	__sync_fetch_and_add(v, delta);
	return 0;
}

/* A global function: Linux verifies it once, on its own, for any value of its argument. */
__noinline int slot_for(__u32 type)
{
	switch (type) {
	case 2:		/* STARTED */
		return 2;
	case 4:		/* STOPPED */
		return 3;
	default:
		return 1;
	}
}

SEC("tracepoint/jvm/thread_start")
int on_thread_start(struct thread_start *ctx)
{
	bump(0, 1);
	bump(1, ctx->java_thread_id & 1);
	return 0;
}

SEC("tracepoint/osgi/bundle_event")
int on_bundle_event(struct bundle_event *ctx)
{
	return bump(slot_for(ctx->type), 1);
}
