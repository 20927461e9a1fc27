/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf.h - what a BPF program needs to know about kbpf beyond libbpf's headers:
 * the record layouts of kbpf's tracepoints and the kbpf kfuncs declared as __ksym externs.
 *
 * Every tracepoint record starts with Linux's 8-byte common header (struct trace_entry),
 * followed by the event's own fields; the layouts are listed in README.md.
 */
#ifndef KBPF_H
#define KBPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Linux's struct trace_entry: common_type, common_flags, common_preempt_count, common_pid. */
struct trace_entry {
	__u16 type;
	__u8 flags;
	__u8 preempt_count;
	__s32 pid;		/* the firing thread's id */
};

/* osgi:bundle_event - a Felix BundleEvent (88 bytes) */
struct bundle_event {
	struct trace_entry ent;	/*  0 */
	__u64 bundle_id;	/*  8 */
	__u32 type;		/* 16 BundleEvent type: INSTALLED=1 STARTED=2 STOPPED=4 UPDATED=8 UNINSTALLED=16 ... */
	__u32 state;		/* 20 Bundle state after the event: INSTALLED=2 RESOLVED=4 STARTING=8 STOPPING=16 ACTIVE=32 */
	char symbolic_name[64];	/* 24 NUL-terminated, cut to 63 bytes */
};

/* osgi:service_event - a ServiceEvent (96 bytes) */
struct service_event {
	struct trace_entry ent;	/*  0 */
	__u64 service_id;	/*  8 */
	__u32 type;		/* 16 REGISTERED=1 MODIFIED=2 UNREGISTERING=4 MODIFIED_ENDMATCH=8 */
	__u32 __pad;		/* 20 */
	__u64 bundle_id;	/* 24 the registering bundle */
	char objectclass[64];	/* 32 first objectClass, NUL-terminated */
};

/* jvm:gc_pause - one garbage collection pause from JFR's jdk.GarbageCollection (56 bytes) */
struct gc_pause {
	struct trace_entry ent;	/*  0 */
	__u64 gc_id;		/*  8 */
	__u64 duration_ns;	/* 16 */
	char name[32];		/* 24 the collector's name, NUL-terminated */
};

/* jvm:thread_start and jvm:thread_end - a Java thread started or ended (48 bytes) */
struct thread_start {
	struct trace_entry ent;	/*  0 */
	__u64 java_thread_id;	/*  8 */
	char name[32];		/* 16 the thread's name, NUL-terminated */
};

/* jvm:monitor_contended - a thread waited to enter a contended monitor (JFR jdk.JavaMonitorEnter, 88 bytes) */
struct monitor_contended {
	struct trace_entry ent;	/*  0 */
	__u64 java_thread_id;	/*  8 the waiting thread */
	__u64 duration_ns;	/* 16 how long it waited */
	char monitor_class[64];	/* 24 the monitor's class name, NUL-terminated */
};

/* osgi:framework_event - a FrameworkEvent (24 bytes) */
struct framework_event {
	struct trace_entry ent;	/*  0 */
	__u32 type;		/*  8 STARTED=1 ERROR=2 PACKAGES_REFRESHED=4 STARTLEVEL_CHANGED=8 WARNING=16 INFO=32 STOPPED=64 ... */
	__u32 __pad;		/* 12 */
	__u64 bundle_id;	/* 16 the bundle the event is about */
};

/* kbpf's kfuncs (bundle helpers-destructive), resolved by name at load time. */
extern void bpf_panic(const char *msg) __ksym;
extern void crash_kexec(void) __ksym;
extern void bpf_crash_dump(const char *msg) __ksym;
extern void bpf_console_print(const char *msg) __ksym;

#endif /* KBPF_H */
