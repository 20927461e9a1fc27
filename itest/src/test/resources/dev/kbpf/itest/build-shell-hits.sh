#!/bin/sh
# Rebuilds shell_hits.o from shell_hits.c (needs clang-14 and libbpf-dev), in a fixed directory
# so that the object is the same on every machine (clang records the directory it runs in).
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=${KBPF_EXAMPLES_BUILD_DIR:-/tmp/kbpf-examples}
mkdir -p "$build"
cp "$here/shell_hits.c" "$build/"
(cd "$build" && clang-14 -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c shell_hits.c -o shell_hits.o)
cp "$build/shell_hits.o" "$here/"
