#!/usr/bin/env python3
"""Prints what Python's pstats prints, for byte-for-byte comparison.

Usage: pstats-oracle.py DUMP [OPERATION...]

DUMP is loaded with pstats.Stats(DUMP) (so the "files" header names DUMP
exactly as given), then each OPERATION, one argument each, is applied in
order. The same operations are understood by the C side of the comparison
(tests/test-report.c):

  strip                  strip_dirs()
  sort [KEY...]          sort_stats(KEY...); a KEY that parses as an int
                         is passed as an int (the legacy -1, 0, 1, 2)
  reverse                reverse_order()
  add PATH               add(PATH)
  stats [TERM...]        print_stats(TERM...)
  callers [TERM...]      print_callers(TERM...)
  callees [TERM...]      print_callees(TERM...)

A TERM that parses as a Python int becomes an int, else one that parses as
a float becomes a float (out-of-range values are kept, unlike the browser,
so that "no change" is tested too), else it is a regular expression.

Usage: pstats-oracle.py --reencode DUMP OUT
reads every marshal object of DUMP (the stats dict, then detprof's object)
with Python's marshal and writes each again into OUT in marshal version 2,
which has no references: the objects exactly as Python understood them.
"""
import marshal
import pstats
import sys


def parse_term(text):
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_sort_key(text):
    try:
        return int(text)
    except ValueError:
        return text


def run(path, operations):
    stats = pstats.Stats(path)
    for operation in operations:
        word, _, rest = operation.partition(" ")
        terms = rest.split()
        if word == "strip":
            stats.strip_dirs()
        elif word == "sort":
            stats.sort_stats(*[parse_sort_key(t) for t in terms])
        elif word == "reverse":
            stats.reverse_order()
        elif word == "add":
            stats.add(rest.strip())
        elif word in ("stats", "callers", "callees"):
            method = getattr(stats, "print_" + word)
            method(*[parse_term(t) for t in terms])
        else:
            sys.exit("pstats-oracle.py: unknown operation %r" % operation)


def main(argv):
    if len(argv) == 4 and argv[1] == "--reencode":
        with open(argv[2], "rb") as f, open(argv[3], "wb") as out:
            while True:
                try:
                    value = marshal.load(f)
                except EOFError:
                    break
                marshal.dump(value, out, 2)
        return
    if len(argv) < 2:
        sys.exit(__doc__)
    sys.stdout.reconfigure(encoding="utf-8", errors="surrogateescape", newline="\n")
    run(argv[1], argv[2:])


if __name__ == "__main__":
    main(sys.argv)
