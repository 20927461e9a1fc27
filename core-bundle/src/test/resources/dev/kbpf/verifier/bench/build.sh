#!/bin/sh
# Rebuilds latency.insns from latency.c: clang-14 and libbpf-dev (Debian). Each line of the
# output is one instruction slot "opcode dst src off imm" with map relocations applied as
# lddw pseudo map fds: counts=1, hist=2, events=3; calls to the subprogram keep their offsets.
set -e
cd "$(dirname "$0")"
clang-14 -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c latency.c -o /tmp/latency.o
python3 - <<'PY'
import struct, subprocess
o = open('/tmp/latency.o', 'rb').read()
# section headers
shoff, = struct.unpack_from('<Q', o, 0x28); shentsize, shnum, shstrndx = struct.unpack_from('<HHH', o, 0x3a)
secs = [struct.unpack_from('<IIQQQQIIQQ', o, shoff + i * shentsize) for i in range(shnum)]
strtab = secs[shstrndx]
def name(off): s = o[strtab[4] + off:]; return s[:s.index(b'\0')].decode()
byname = {name(s[0]): (i, s) for i, s in enumerate(secs)}
symtab = byname['.symtab'][1]; symstr = secs[symtab[6]]
def symname(i):
    st_name, = struct.unpack_from('<I', o, symtab[4] + i * 24); s = o[symstr[4] + st_name:]; return s[:s.index(b'\0')].decode()
def insns(sec): d = o[sec[4]:sec[4] + sec[5]]; return [list(struct.unpack_from('<BBhi', d, k)) for k in range(0, len(d), 8)]
prog = insns(byname['tracepoint/sched/sched_switch'][1]); text = insns(byname['.text'][1])
fds = {'counts': 1, 'hist': 2, 'events': 3}
for secname, code in (('tracepoint/sched/sched_switch', prog), ('.text', text)):
    rel = byname.get('.rel' + secname)
    if not rel: continue
    d = o[rel[1][4]:rel[1][4] + rel[1][5]]
    for k in range(0, len(d), 16):
        off, info = struct.unpack_from('<QQ', d, k); sym = symname(info >> 32); idx = off // 8
        if sym in fds:
            code[idx][1] = (code[idx][1] & 0x0f) | (1 << 4); code[idx][3] = fds[sym]
# the main program first, then .text (the subprogram): fix up the local call offsets
all_ = prog + text
for i, ins in enumerate(prog):
    if ins[0] == 0x85 and (ins[1] >> 4) == 1:
        ins[3] = len(prog) - i - 1 + ins[3] + 1  # call target relative to the start of .text
with open('latency.insns', 'w') as f:
    for ins in all_:
        f.write('%d %d %d %d %d\n' % (ins[0], ins[1] & 0xf, ins[1] >> 4, ins[2], ins[3]))
print(len(all_), 'slots')
PY
