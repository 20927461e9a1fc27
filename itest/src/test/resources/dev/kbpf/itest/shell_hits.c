// A helper-free program for the shell's container tests: counts events in a global (.bss, a
// global-data map) and returns 1 once more than 3 were seen, so it has a branch for the CFG.
// Built by build-shell-hits.sh with the examples' exact clang command.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 hits = 0;

SEC("tracepoint/osgi/bundle_event")
int count_hits(void *ctx)
{
	__u64 n = __sync_fetch_and_add(&hits, 1);
	if (n >= 3)
		return 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
