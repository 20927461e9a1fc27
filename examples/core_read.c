// SPDX-License-Identifier: GPL-2.0
/*
 * core_read: reads a tracepoint record through CO-RE (libbpf's bpf_core_read.h). kbpf has no
 * kernel BTF; it checks each CO-RE relocation against the program's own BTF, so a program that
 * declares the record with preserve_access_index loads and reads the offsets it declared.
 */
#include "kbpf.h"
#include <bpf/bpf_core_read.h>

struct gc_pause___core {
	struct trace_entry ent;
	__u64 gc_id;
	__u64 duration_ns;
	char name[32];
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/jvm/gc_pause")
int core_gc_total(struct gc_pause___core *ctx)
{
	__u32 key = 0;
	__u64 *total = bpf_map_lookup_elem(&totals, &key);
	__u64 duration = BPF_CORE_READ(ctx, duration_ns);

	if (!total)
		return 0;
	__sync_fetch_and_add(total, duration);
	if (bpf_core_field_exists(ctx->gc_id)) {
		key = 1;
		total = bpf_map_lookup_elem(&totals, &key);
		if (total)
			*total = bpf_core_type_size(struct gc_pause___core);
	}
	return 0;
}
