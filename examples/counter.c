// SPDX-License-Identifier: GPL-2.0
/* counter: counts osgi:bundle_event events per thread in a hash map keyed by pid. */
#include "kbpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/osgi/bundle_event")
int count_bundle_events(struct bundle_event *c)
{
	__u64 one = 1, *val;
	__u32 pid = c->ent.pid;

	val = bpf_map_lookup_elem(&counts, &pid);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return 0;
	}
	bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
	return 0;
}
