#!/usr/bin/env python3
"""What replacing a 32 KB file costs on the file system of the current directory (the size of a
100-pack ggen.lock), by method: temporary file + rename over the old file (what `ggen.lock`
saves do), plain truncating write, temporary file + renameat2(RENAME_EXCHANGE) + unlink, and
an in-place overwrite. Linux only. Run it in a directory on the disk to measure:
`cd /some/dir/on/disk && python3 <repo>/crates/ggen-pack/benches/replace_cost.py` (it writes
and leaves `replace-cost.bin` there).
See docs/benchmarks.md ("Packs")."""
import os, time, ctypes, statistics
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD=-100; RENAME_EXCHANGE=2
data = os.urandom(16000).hex().encode()[:32000]
def rename_over():
    with open('replace-cost.tmp','wb') as f: f.write(data)
    os.rename('replace-cost.tmp','replace-cost.bin')
def plain():
    with open('replace-cost.bin','wb') as f: f.write(data)
def exchange():
    with open('replace-cost.tmp','wb') as f: f.write(data)
    r = libc.renameat2(AT_FDCWD, b'replace-cost.tmp', AT_FDCWD, b'replace-cost.bin', RENAME_EXCHANGE)
    assert r == 0, ctypes.get_errno()
    os.unlink('replace-cost.tmp')
def inplace_trunc_after():
    # overwrite without truncation first
    fd = os.open('replace-cost.bin', os.O_WRONLY)
    os.write(fd, data); os.ftruncate(fd, len(data)); os.close(fd)
plain()
for name, fn in [('rename_over', rename_over), ('plain', plain), ('exchange', exchange), ('overwrite_no_trunc', inplace_trunc_after)]*2:
    ts=[]
    for i in range(300):
        t=time.perf_counter(); fn(); ts.append(time.perf_counter()-t)
    print(f"{name:20s} median {statistics.median(ts)*1e6:7.1f} us  min {min(ts)*1e6:7.1f}")
