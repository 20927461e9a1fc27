// SPDX-License-Identifier: GPL-2.0
/*
 * crash_kexec: takes a crash dump and reboots (kfunc crash_kexec, as in Linux 6.1) when one
 * garbage collection pause lasts longer than a threshold.
 */
#include "kbpf.h"

const volatile __u64 max_pause_ns = 500000000;	/* half a second */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} worst SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

SEC("tp/jvm/gc_pause")
int kexec_on_long_pause(struct gc_pause *ctx)
{
	__u32 zero = 0;
	__u64 *w = bpf_map_lookup_elem(&worst, &zero);

	if (w && ctx->duration_ns > *w)
		*w = ctx->duration_ns;
	if (ctx->duration_ns > max_pause_ns)
		crash_kexec();
	return 0;
}
