#!/bin/sh
# Rebuilds every example object from its C source with clang-14 and libbpf's headers.
# Installs nothing: on Debian, `apt-get install -y clang-14 libbpf-dev` provides both.
#
# The objects must be byte-for-byte reproducible, but clang records the directory it ran in
# (DWARF comp_dir, and the source paths in .BTF). So the sources are compiled in one fixed
# directory, $KBPF_EXAMPLES_BUILD_DIR (default /tmp/kbpf-examples), whatever the clone's
# location, with exactly the documented command line; the objects are then copied back here.
# The tests do the same and compare the result with the committed .o files.
set -eu

cd "$(dirname "$0")"
CLANG=clang-14
ARCH_INCLUDE=/usr/include/x86_64-linux-gnu
BUILD_DIR=${KBPF_EXAMPLES_BUILD_DIR:-/tmp/kbpf-examples}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "build.sh: $CLANG not found on PATH (Debian: apt-get install -y clang-14)" >&2
	exit 1
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
	echo "build.sh: /usr/include/bpf/bpf_helpers.h not found (Debian: apt-get install -y libbpf-dev)" >&2
	exit 1
fi
if [ ! -d "$ARCH_INCLUDE/asm" ]; then
	echo "build.sh: $ARCH_INCLUDE/asm not found (Debian: apt-get install -y linux-libc-dev)" >&2
	exit 1
fi

mkdir -p "$BUILD_DIR"
# one build at a time in the shared directory (the tests take the same lock)
exec 9>"$BUILD_DIR/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

cp ./*.c ./*.h "$BUILD_DIR/"
for src in *.c; do
	obj=${src%.c}.o
	(cd "$BUILD_DIR" && "$CLANG" -O2 -g -target bpf -I"$ARCH_INCLUDE" -c "$src" -o "$obj")
	cp "$BUILD_DIR/$obj" "$obj"
	echo "built $obj"
done
