// SPDX-License-Identifier: GPL-2.0
/*
 * loop_callback: bpf_loop() calls a static callback for each bucket of an array map; the
 * callback's address is a lddw of a function (BPF_PSEUDO_FUNC), the subprogram is appended.
 */
#include "kbpf.h"

#define BUCKETS 16

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} total SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

struct sum_ctx {
	__u64 sum;
};

static int add_bucket(__u32 index, struct sum_ctx *c)
{
	__u64 *v = bpf_map_lookup_elem(&buckets, &index);

	if (v)
		c->sum += *v;
	return 0;	/* 0: continue, 1: stop */
}

SEC("tracepoint/osgi/framework_event")
int sum_buckets(struct framework_event *ctx)
{
	struct sum_ctx c = {};
	__u32 zero = 0;
	__u64 *t;

	bpf_loop(BUCKETS, add_bucket, &c, 0);
	t = bpf_map_lookup_elem(&total, &zero);
	if (t)
		*t = c.sum;
	return 0;
}
