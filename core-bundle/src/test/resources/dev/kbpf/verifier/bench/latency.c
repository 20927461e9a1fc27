// A tracing program of the size clang produces for real tools: per-pid counters, a log2
// histogram, a bounded loop over an array value, a string compare, a subprogram and ring buffer
// events. Used to measure verification time (VerifierBenchTest).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event { __u32 pid; __u32 slot; __u64 delta; __u64 sum; char comm[16]; };
struct stats { __u64 buckets[32]; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct stats); } hist SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

struct ctx_rec { __u64 common; __u64 ts; __u64 prev; __u32 pid; __u32 prio; __u64 vals[8]; };

static __noinline __u32 log2l(__u64 v)
{
	__u32 r = 0;
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

SEC("tracepoint/sched/sched_switch")
int handle(struct ctx_rec *c)
{
	__u32 pid = c->pid;
	__u64 delta = c->ts - c->prev;
	__u64 one = 1, *cnt;
	__u32 zero = 0;
	struct stats *st;
	struct event *e;
	char comm[16];
	__u64 sum = 0;
	int i;

	cnt = bpf_map_lookup_elem(&counts, &pid);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);

	st = bpf_map_lookup_elem(&hist, &zero);
	if (!st)
		return 0;
	__u32 slot = log2l(delta);
	if (slot >= 32)
		slot = 31;
	__sync_fetch_and_add(&st->buckets[slot], 1);

	for (i = 0; i < 8; i++) {
		__u64 v = c->vals[i];
		if (v > 1000)
			sum += v / 2;
		else
			sum += v;
	}
	for (i = 0; i < 32; i++)
		sum += st->buckets[i] & 0xff;

	bpf_get_current_comm(comm, sizeof(comm));
	if (comm[0] == 'k' && comm[1] == 'w' && comm[2] == 'o')
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->slot = slot;
	e->delta = delta;
	e->sum = sum;
	for (i = 0; i < 16; i++)
		e->comm[i] = comm[i];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
