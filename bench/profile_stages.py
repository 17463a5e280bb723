#!/usr/bin/env python3
"""Where the ingest thread's CPU goes: async-profiler's collapsed stacks (one `frame;frame;... count` a line, the
thread's name first, as `threads` writes it) summed per pipeline stage and per top frame.

    profile_stages.py COLLAPSED [TOP]

Prints one JSON object: samples, each stage's share of all samples, and the TOP frames by self samples. A stack
belongs to the innermost stage frame it passes through, so the resolver's calls into the graph count as resolving and
ingest's own work as "ingest" only when no stage below it is on the stack. Shares are of samples on every
thread (the JIT compiler and the collector run on the same core), which is what a one-core replay pays.
"""
import collections
import json
import sys

# Innermost match wins: listed from the deepest stage outwards.
STAGES = [
    ("parse", ("io/trafficviz/parse/",)),
    ("resolve", ("io/trafficviz/resolve/",)),
    ("graph", ("io/trafficviz/graph/",)),
    ("split lines", ("io/trafficviz/source/LineSplitter.indexOfNewline",)),
    ("read file", ("sun/nio/ch/FileChannelImpl.read", "java/io/InputStream.read")),
    ("ingest (outsiders, listener, counting)", ("io/trafficviz/ingest/",)),
    ("reader loop", ("io/trafficviz/source/",)),
]


def stage_of(frames):
    thread = frames[0]
    if "C2 CompilerThread" in thread or "C1 CompilerThread" in thread or any("CompileBroker" in f for f in frames):
        return "JIT compiler"
    if any(word in thread for word in ("GC Thread", "VM Thread", "G1 ", "GC ")) or any(
            "GCTaskThread" in f or "VMThread" in f for f in frames):
        return "GC and VM"
    for frame in reversed(frames):
        for name, prefixes in STAGES:
            if frame.startswith(prefixes):
                return name
    if any(f.startswith("io/trafficviz/") for f in frames):
        return "other trafficviz"
    return "other (JVM, kernel, other threads)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    stages = collections.Counter()
    leaves = collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, count = line.rsplit(" ", 1)
            n = int(count)
            frames = stack.split(";")
            total += n
            stages[stage_of(frames)] += n
            leaves[frames[-1]] += n
    if total == 0:
        print(json.dumps({"samples": 0}))
        return
    pct = lambda n: round(100.0 * n / total, 1)
    print(json.dumps({
        "samples": total,
        "stagesPercent": {name: pct(n) for name, n in stages.most_common()},
        "topFramesPercent": {frame.replace("/", "."): pct(n) for frame, n in leaves.most_common(top)},
    }))


if __name__ == "__main__":
    main()
