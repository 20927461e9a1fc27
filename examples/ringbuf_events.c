// SPDX-License-Identifier: GPL-2.0
/* ringbuf_events: sends one record per OSGi service event to user space through a ring buffer. */
#include "kbpf.h"

struct event {
	__u64 ts_ns;
	__u64 service_id;
	__u64 bundle_id;
	__u32 pid;
	__u32 type;
	char objectclass[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/osgi/service_event")
int service_events(struct service_event *ctx)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->service_id = ctx->service_id;
	e->bundle_id = ctx->bundle_id;
	e->pid = bpf_get_current_pid_tgid();
	e->type = ctx->type;
	bpf_probe_read_kernel_str(e->objectclass, sizeof(e->objectclass), ctx->objectclass);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
