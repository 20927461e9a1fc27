// SPDX-License-Identifier: GPL-2.0
/* Test fixture: subprograms that call subprograms, and a callback taken inside a subprogram. */
#include "kbpf.h"

char LICENSE[] SEC("license") = "GPL";

static __noinline int leaf(int x)
{
	return x * 3;
}

static __noinline int middle(int x)
{
	return leaf(x) + leaf(x + 1);
}

static int each(__u32 i, void *c)
{
	return leaf(i) > 6;
}

static __noinline int looper(int n)
{
	return bpf_loop(n, each, 0, 0);
}

SEC("tracepoint/osgi/bundle_event")
int nested(struct bundle_event *ctx)
{
	return middle(ctx->type) + looper(4);
}
