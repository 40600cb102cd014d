#!/usr/bin/env python3
"""Write a big cProfile-style stats dump, for bench/stats-load.sh.

Usage: make-big-dump.py OUTPUT [N_FUNCTIONS [N_ARCS]]

The dump has N_FUNCTIONS functions (default 100,000) spread over a
thousand source files, and N_ARCS caller -> callee arcs in all (default
1,000,000), each a cProfile tuple (nc, cc, tt, ct). The numbers are made
up but consistent enough for every report, and the same on every run (a
fixed seed). It is written with marshal, as pstats' dump_stats does.
"""
import marshal
import random
import sys


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    path = argv[1]
    n_functions = int(argv[2]) if len(argv) > 2 else 100_000
    n_arcs = int(argv[3]) if len(argv) > 3 else 1_000_000

    rng = random.Random(20261121)
    keys = [("/home/user/project/src/module%03d/file%03d.c" % (i % 1000 // 10, i % 1000),
             10 + i // 1000 * 7, "function_%06d" % i)
            for i in range(n_functions)]

    # Each function gets its share of the arcs; callers are drawn with a
    # bias toward low indices, as real call graphs have a few hubs.
    per_function = [n_arcs // n_functions] * n_functions
    for i in range(n_arcs - sum(per_function)):
        per_function[i] += 1

    stats = {}
    for i, key in enumerate(keys):
        callers = {}
        while len(callers) < per_function[i]:
            caller = keys[min(int(rng.paretovariate(0.6)) - 1, n_functions - 1)
                          if rng.random() < 0.5 else rng.randrange(n_functions)]
            nc = rng.randint(1, 50)
            tt = nc * rng.random() * 1e-6
            callers[caller] = (nc, nc, tt, tt * (1.0 + rng.random()))
        nc = sum(v[0] for v in callers.values()) or 1
        tt = sum(v[2] for v in callers.values())
        ct = sum(v[3] for v in callers.values())
        stats[key] = (nc, nc, tt, ct, callers)

    with open(path, "wb") as f:
        marshal.dump(stats, f)


if __name__ == "__main__":
    main(sys.argv)
