#!/usr/bin/env python3
"""Print "caller callee count" for every call arc in a callgrind.out file.

Reads the callgrind format (valgrind's docs, "Callgrind Format
Specification"): fn= sets the current function, cfn= the called one, and
a calls= line gives the number of calls of that arc; names may be
compressed as "(id) name" on first use and "(id)" afterwards. Arcs from
several threads or parts are summed. Function names are printed without
the file, and GCC's clone suffixes are kept.
"""
import collections
import re
import sys

names = {}
arcs = collections.Counter()


def name(spec):
    m = re.match(r"\((\d+)\)(?:\s+(.*))?$", spec.strip())
    if not m:
        return spec.strip()
    if m.group(2) is not None:
        names[m.group(1)] = m.group(2)
    return names.get(m.group(1), spec)


fn = cfn = None
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                fn = name(line[3:])
            elif line.startswith(("cfn=", "cfi=", "cfl=")):
                if line.startswith("cfn="):
                    cfn = name(line[4:])
            elif line.startswith("calls="):
                count = int(line[6:].split()[0])
                arcs[(fn, cfn)] += count

for (caller, callee), count in sorted(arcs.items()):
    print(caller, callee, count)
