// SPDX-License-Identifier: GPL-2.0
/*
 * tail_call: a dispatcher tail-calls a handler chosen by the event type from a program array
 * that the object initialises itself (libbpf's declarative .values).
 */
#include "kbpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} handled SEC(".maps");

SEC("tracepoint/osgi/bundle_event")
int handle_started(struct bundle_event *ctx);
SEC("tracepoint/osgi/bundle_event")
int handle_stopped(struct bundle_event *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} handlers SEC(".maps") = {
	.values = {
		[1] = (void *)&handle_started,
		[2] = (void *)&handle_stopped,
	},
};

static __always_inline void count(__u32 what)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&handled, &what);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&handled, &what, &one, BPF_NOEXIST);
}

SEC("tracepoint/osgi/bundle_event")
int handle_started(struct bundle_event *ctx)
{
	count(2);
	return 2;
}

SEC("tracepoint/osgi/bundle_event")
int handle_stopped(struct bundle_event *ctx)
{
	count(4);
	return 4;
}

SEC("tracepoint/osgi/bundle_event")
int dispatch(struct bundle_event *ctx)
{
	__u32 slot = ctx->type == 2 ? 1 : ctx->type == 4 ? 2 : 0;

	bpf_tail_call(ctx, &handlers, slot);
	count(0);	/* no handler for this type: the tail call fell through */
	return 0;
}
