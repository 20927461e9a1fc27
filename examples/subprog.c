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

/* Adds delta to slot; a static function the compiler must not inline. */
static __noinline int bump(__u32 slot, __u64 delta)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &slot);

	if (!v)
		return -1;
	__sync_fetch_and_add(v, delta);
	return 0;
}

/* A global function: verified on its own by Linux, called like any subprogram. */
__noinline int name_length(const char *name, int max)
{
	int n = 0;

	if (!name)
		return 0;
	for (int i = 0; i < 32 && i < max; i++) {
		if (name[i] == 0)
			break;
		n++;
	}
	return n;
}

SEC("tracepoint/jvm/thread_start")
int on_thread_start(struct thread_start *ctx)
{
	bump(0, 1);
	bump(1, name_length(ctx->name, sizeof(ctx->name)));
	return 0;
}

SEC("tracepoint/osgi/bundle_event")
int on_bundle_event(struct bundle_event *ctx)
{
	return bump(2 + (ctx->type == 2), 1);
}
