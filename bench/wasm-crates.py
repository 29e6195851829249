#!/usr/bin/env python3
"""Where the wasm's bytes go, by crate and by function: `twiggy top` of the wasm as the
compiler wrote it (before wasm-opt, which drops the function names), summed by the crate
each function's name starts with. Shares, not final sizes: wasm-opt shrinks them all.

    bench/wasm-crates.py path/to/app.wasm
"""
import collections
import csv
import io
import re
import subprocess
import sys

wasm = sys.argv[1]
out = subprocess.run(
    ["twiggy", "top", "-n", "1000000", "-f", "csv", wasm],
    capture_output=True,
    check=True,
    text=True,
).stdout
crates = collections.Counter()
functions = []
total = 0
for item in csv.DictReader(io.StringIO(out)):
    name, size = item["Name"], int(item["ShallowSize"])
    # Names, wasm-bindgen's own sections and its descriptors (it runs and drops them) are
    # not shipped.
    if name.startswith(('"function names"', "custom section", "export ", "...", "Σ")):
        continue
    if "__wbindgen_describe" in name:
        continue
    total += size
    functions.append((size, name))
    crate = re.match(r"^[<&\s(]*(?:mut\s+|dyn\s+)*([A-Za-z_][A-Za-z0-9_]*)", name)
    crates[crate.group(1) if crate else "other"] += size
    if "hydrate_async" in name:
        crates["(of which: async hydration)"] += size
    if "serde" in name:
        crates["(of which: serde, any crate)"] += size

print(f"The wasm before wasm-opt: {total} bytes of code and data, by crate")
print(f"| {'crate (T: generic code of any crate)':<40} | {'bytes':>9} | {'share':>6} |")
print(f"| {'-' * 40} | {'-' * 9} | {'-' * 6} |")
for crate, size in crates.most_common(16):
    print(f"| {crate:<40} | {size:>9} | {100 * size / total:5.1f}% |")
print("The largest functions")
for size, name in sorted(functions, reverse=True)[:8]:
    print(f"| {name[:72]:<72} | {size:>7} |")
