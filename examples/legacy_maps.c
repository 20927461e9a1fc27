// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_maps: maps declared the pre-BTF way, as struct bpf_map_def in the "maps" section
 * (libbpf 1.0 dropped the struct from its headers; older programs carry their own copy).
 */
#include "kbpf.h"

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") pauses = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

struct bpf_map_def SEC("maps") collectors = {
	.type = BPF_MAP_TYPE_LRU_HASH,
	.key_size = 32,
	.value_size = sizeof(__u64),
	.max_entries = 16,
	.map_flags = 0,
};

char LICENSE[] SEC("license") = "GPL v2";

SEC("tracepoint/jvm/gc_pause")
int legacy_counts(struct gc_pause *ctx)
{
	__u64 duration = ctx->duration_ns;
	__u32 key = duration > 1000000;
	__u64 *v = bpf_map_lookup_elem(&pauses, &key);
	char name[32] = {};

	if (v)
		*v += 1;
	bpf_probe_read_kernel_str(name, sizeof(name), ctx->name);
	v = bpf_map_lookup_elem(&collectors, name);
	if (v)
		*v += duration;
	else
		bpf_map_update_elem(&collectors, name, &duration, BPF_ANY);
	return 0;
}
