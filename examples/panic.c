// SPDX-License-Identifier: GPL-2.0
/*
 * panic: panics the framework (kbpf kfunc bpf_panic) when bundles are stopped more often than
 * a threshold allows - the condition a developer is hunting for, caught with a crash dump.
 */
#include "kbpf.h"

#define BUNDLE_STOPPED 4

const volatile __u64 max_stops = 3;	/* .rodata: set before load */
__u64 stops;				/* .bss */

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/osgi/bundle_event")
int panic_on_stops(struct bundle_event *ctx)
{
	if (ctx->type != BUNDLE_STOPPED)
		return 0;
	if (__sync_add_and_fetch(&stops, 1) > max_stops)
		bpf_panic("too many bundles stopped");
	return 0;
}
