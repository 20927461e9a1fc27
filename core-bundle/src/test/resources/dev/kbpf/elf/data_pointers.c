// SPDX-License-Identifier: GPL-2.0
/* Test fixture: addresses stored in global data (R_BPF_64_ABS64 in .data). */
#include "kbpf.h"

__u64 counters[2];
__u64 *current = &counters[1];
const char *names[] = { "installed", "started" };

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/osgi/bundle_event")
int use_pointers(struct bundle_event *ctx)
{
	__u64 *c = current;

	if (c)
		*c += 1;
	return names[0][0];
}
