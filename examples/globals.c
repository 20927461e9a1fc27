// SPDX-License-Identifier: GPL-2.0
/*
 * globals: configuration in .rodata (set before load, frozen), a running counter in .data,
 * zero-initialised state in .bss, and a string literal in .rodata.str1.1.
 */
#include "kbpf.h"

const volatile __u32 watched_type = 2;	/* BundleEvent.STARTED; .rodata */
const volatile __u64 report_every = 10;	/* .rodata */

__u64 seen = 100;			/* .data: starts at 100 to show initial values are kept */
__u64 matched;				/* .bss */
__u64 last_bundle_id;			/* .bss */

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/osgi/bundle_event")
int watch_bundles(struct bundle_event *ctx)
{
	__sync_fetch_and_add(&seen, 1);
	if (ctx->type != watched_type)
		return 0;
	last_bundle_id = ctx->bundle_id;
	if (__sync_add_and_fetch(&matched, 1) % report_every == 0)
		bpf_console_print("another batch of watched bundle events");
	return 1;
}
