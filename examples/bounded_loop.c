// SPDX-License-Identifier: GPL-2.0
/*
 * bounded_loop: hashes each bundle's symbolic name with FNV-1a in a loop bounded by the
 * name's size, and counts events per name hash. The name is copied to the stack first: like
 * Linux, kbpf lets a tracepoint program read its context only at constant offsets.
 */
#include "kbpf.h"

#define NAME_LEN sizeof(((struct bundle_event *)0)->symbolic_name)

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} by_name SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/osgi/bundle_event")
int hash_names(struct bundle_event *ctx)
{
	char name[NAME_LEN];
	__u32 hash = 2166136261u;
	__u64 one = 1, *count;

	bpf_probe_read_kernel_str(name, sizeof(name), ctx->symbolic_name);
	for (int i = 0; i < NAME_LEN; i++) {
		char c = name[i];

		if (c == 0)
			break;
		hash ^= (__u8)c;
		hash *= 16777619u;
	}
	count = bpf_map_lookup_elem(&by_name, &hash);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&by_name, &hash, &one, BPF_NOEXIST);
	return 0;
}
