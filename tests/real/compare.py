#!/usr/bin/env python3
"""compare.py: a real program's call counts and arcs, detprof against callgrind.

Usage: compare.py [--oracle CALLGRIND_OUT --program BINARY] [--reference LABEL]
                  --dump LABEL DUMP BINARY...

CALLGRIND_OUT is callgrind's record of BINARY, the gcc -O2 -fno-inline
build with -finstrument-functions, running the same workload at the same
size as each DUMP. That build is the oracle rather than a plain -O2
-fno-inline build because it is the very code the hooks are in. The
instrumentation forbids sibling calls (the exit hook must run after the
callee returns), so every call in the source is a call instruction, which
callgrind sees as a call; and its clones are the ones the hooks were
compiled into. In sqlite3, the plain -fno-inline build has 1058 tail jumps
to other functions and 307 clones, the instrumented one no tail jump but to
the exit hook and .cold pieces, and 6 clones.

Prints TAP lines without numbers, and '#' lines with every rule applied and
how often:

  ok - LABEL: arcs exact: N of M
  ok - LABEL: calls exact: N of M
  ok - LABEL against REFERENCE: arcs exact: N of M

A function is keyed by its file and name, so that static functions of the
same name in different files stay apart; an arc's count is its number of
calls (pstats' nc), a function's count its calls from every caller.
"""
import argparse
import collections
import marshal
import os
import re
import subprocess
import sys

# The source tree may be read-only (make distcheck): no __pycache__ in it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind_arcs  # noqa: E402

# GCC's copies of a function. An IPA-CP or IPA-SRA clone is the whole
# function with some arguments fixed or split; its hooks still pass the
# original's address as this_fn (in the disassembly of sqlite3's
# memdbEnter.constprop.0: `lea memdbEnter, %rdi; call __cyg_profile_func_enter`),
# so the report names the original, and so must the oracle. A piece split
# off a function (.cold by hot/cold partitioning, .part by partial inlining)
# is the rest of the function's own body.
CLONE = re.compile(r"^(.+?)(?:\.(?:constprop|isra|lto_priv|localalias)\.\d+)+$")
PIECE = re.compile(r"^(.+?)(?:\.(?:constprop|isra)\.\d+)*\.(?:cold|part\.\d+)(?:\.\d+)?$")

# The rules applied to callgrind's arcs, each printed with how many arcs it took.
NO_HOOKS = "arcs between code without hooks (C library, loader, crt startup), not compared"
CLONED = "arcs into clones, renamed to the original function (.constprop, .isra)"
OWN_PIECE = ("arcs from a function into its own split-off piece (.cold, .part): a jump or the rest "
             "of its body, no call in the source, dropped")
PIECE_CALLED = ("arcs into a split-off piece from another function (the rest of a partly inlined "
                "function), renamed to the function")
FROM_PIECE = "arcs from split-off pieces, given to the function they belong to"
ROOT = ("arcs from the C runtime into the program (main, constructors): calls counted, no arc "
        "(no hook runs in the caller)")
CALLBACK = ("arcs of callbacks through library code (qsort's comparator), given to the program "
            "function that called the library")
AMBIGUOUS = ("arcs of callbacks through library code entered from several program functions, "
             "not attributable (each makes arcs differ)")
STATICS = "function names defined in several files (static), kept apart by file"
RULES = (NO_HOOKS, CLONED, OWN_PIECE, PIECE_CALLED, FROM_PIECE, ROOT, CALLBACK, AMBIGUOUS, STATICS)

MAX_SHOWN = 20


def library_name(name):
    """A library function's name as its library exports it. callgrind names
    a symbol with its version (fopen@@GLIBC_2.2.5); detprof may name it by
    glibc's internal alias of the same address (__GI_tolower for tolower)."""
    name = name.split("@")[0]
    return name[len("__GI_"):] if name.startswith("__GI_") else name


def path_key(path):
    return os.path.normpath(path) if path.startswith("/") else path


def function_key(node):
    """(file, name, what): the function callgrind's node belongs to, and
    whether the node is a clone, a piece or the function itself."""
    m = PIECE.match(node.name)
    if m is not None:
        return path_key(node.file), m.group(1), "piece"
    m = CLONE.match(node.name)
    if m is not None:
        return path_key(node.file), m.group(1), "clone"
    return path_key(node.file), node.name, "itself"


def read_oracle(path, program, rules):
    """Returns (calls, arcs, library_calls, library_arcs): the program's
    functions as callgrind saw them, and its calls into libraries by name."""
    program = os.path.realpath(program)
    raw = callgrind_arcs.parse(path)
    objects = {node.object for arc in raw for node in arc}
    if not any(os.path.realpath(o or "") == program for o in objects):
        sys.exit(f"{path} records no code of {program}, only of: {', '.join(sorted(map(str, objects)))}")

    def ours(node):
        # The program's functions with line information: everything compiled
        # from its sources with -g, and so with hooks. The crt startup code
        # linked into the binary has no line information and no hooks.
        return (node.file not in (None, "???")
                and os.path.realpath(node.object or "") == program)

    calls = collections.Counter()
    arcs = collections.Counter()
    library_calls = collections.Counter()     # library function name -> calls from the program
    library_arcs = collections.Counter()      # (program caller, library function name) -> calls
    callers_of = collections.defaultdict(set)  # node -> its callers
    callbacks = []                             # (library node, program callee, calls)

    for (caller, callee), n in raw.items():
        callers_of[callee].add(caller)

    for (caller, callee), n in raw.items():
        if not ours(caller) and not ours(callee):
            rules[NO_HOOKS] += 1
            continue
        caller_file, caller_name, caller_is = function_key(caller)
        callee_file, callee_name, callee_is = function_key(callee)
        caller_fn, callee_fn = (caller_file, caller_name), (callee_file, callee_name)
        if not ours(callee):
            name = library_name(callee.name)
            library_calls[name] += n
            library_arcs[(caller_fn, name)] += n
            continue
        if callee_is == "piece":
            if ours(caller) and caller_fn == callee_fn:
                rules[OWN_PIECE] += 1
                continue
            rules[PIECE_CALLED] += 1
        elif callee_is == "clone":
            rules[CLONED] += 1
        calls[callee_fn] += n
        if not ours(caller):
            callbacks.append((caller, callee_fn, n))
            continue
        if caller_is == "piece":
            rules[FROM_PIECE] += 1
        arcs[(caller_fn, callee_fn)] += n

    for library_node, callee_fn, n in callbacks:
        # Walk up through library code to the program functions that called it.
        seen, todo, entries = {library_node}, [library_node], set()
        while todo:
            for up in callers_of[todo.pop()]:
                if ours(up):
                    entries.add(function_key(up)[:2])
                elif up not in seen:
                    seen.add(up)
                    todo.append(up)
        if not entries:
            rules[ROOT] += 1
        elif len(entries) == 1:
            rules[CALLBACK] += 1
            arcs[(entries.pop(), callee_fn)] += n
        else:
            rules[AMBIGUOUS] += 1
            print(f"# cannot attribute {n} calls of {callee_fn[1]} from {library_node.name}: "
                  f"entered from {', '.join(sorted(e[1] for e in entries))}")

    files_of = collections.defaultdict(set)
    for fn in calls:
        files_of[fn[1]].add(fn[0])
    rules[STATICS] += sum(1 for files in files_of.values() if len(files) > 1)
    return calls, arcs, library_calls, library_arcs


def read_dump(path):
    """Returns (calls, arcs, info) of a detprof dump: pstats' dict, then detprof's extra object."""
    with open(path, "rb") as f:
        stats = marshal.load(f)
        try:
            extra = marshal.load(f)
        except EOFError:
            extra = {}
    calls = collections.Counter()
    arcs = collections.Counter()
    for (file, line, name), (cc, nc, tt, ct, callers) in stats.items():
        callee = (path_key(file), name)
        calls[callee] += nc
        for (cfile, cline, cname), arc in callers.items():
            arcs[((path_key(cfile), cname), callee)] += arc[0]
    info = extra.get("info", {}) if isinstance(extra, dict) else {}
    return calls, arcs, info


def defined_functions(binary):
    """The names of the functions the binary itself defines (clone suffixes taken off)."""
    out = subprocess.run(["nm", "--defined-only", binary], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwWi":
            names.add(fields[2].split(".")[0])
    return names


def split_library(calls, arcs, binary):
    """Takes out the functions whose code lies in a library: clang instruments
    glibc's extern inline functions (tolower from <ctype.h>) when it inlines
    them, and their this_fn is the library's copy, which the binary does not
    define; gcc does not instrument them, and the oracle calls the library's
    copy, which has no hooks. Returns them apart, by name."""
    defined = defined_functions(binary)
    names = {fn: library_name(fn[1]) for fn in calls if fn[1] not in defined}
    lib_calls = collections.Counter({names[fn]: n for fn, n in calls.items() if fn in names})
    lib_arcs = collections.Counter({(caller, names[callee]): n
                                    for (caller, callee), n in arcs.items() if callee in names})
    # Calls made by such a function (a callback from library code) would be
    # dropped with it: counted, and printed by the caller.
    dropped = sum(1 for caller, callee in arcs if caller in names)
    renamed = sorted(f"{fn[1]} as {name}" for fn, name in names.items() if fn[1] != name)
    calls = collections.Counter({fn: n for fn, n in calls.items() if fn not in names})
    arcs = collections.Counter({arc: n for arc, n in arcs.items()
                                if arc[0] not in names and arc[1] not in names})
    return calls, arcs, lib_calls, lib_arcs, dropped, renamed


def show(fn):
    return f"{os.path.basename(fn[0])}:{fn[1]}"


def exact(label, what, expected, got, expected_name, got_name):
    keys = set(expected) | set(got)
    wrong = sorted((k for k in keys if expected.get(k, 0) != got.get(k, 0)), key=str)
    print(f"{'ok' if not wrong else 'not ok'} - {label}: {what} exact: {len(keys) - len(wrong)} of {len(keys)}")
    for k in wrong[:MAX_SHOWN]:
        where = " -> ".join(show(f) for f in k) if isinstance(k[0], tuple) else show(k)
        print(f"#   {where}: {expected_name} {expected.get(k, 0)}, {got_name} {got.get(k, 0)}")
    if len(wrong) > MAX_SHOWN:
        print(f"#   ... and {len(wrong) - MAX_SHOWN} more")
    return len(keys) - len(wrong), len(keys)


def compare_library(label, lib_calls, lib_arcs, oracle):
    """The functions split_library () took out: each must match callgrind's
    calls from the program into the library's own copy."""
    _, _, library_calls, library_arcs = oracle
    expected_arcs = collections.Counter({arc: n for arc, n in library_arcs.items() if arc[1] in lib_calls})
    wrong = [(name, library_calls[name], n) for name, n in lib_calls.items() if n != library_calls[name]]
    wrong += [(f"{show(arc[0])} -> {arc[1]}", expected_arcs[arc], lib_arcs[arc])
              for arc in set(lib_arcs) | set(expected_arcs) if lib_arcs[arc] != expected_arcs[arc]]
    print(f"{'ok' if not wrong else 'not ok'} - {label}: library functions with hooks match callgrind's "
          f"calls into the library: " + ", ".join(f"{name} {n}" for name, n in sorted(lib_calls.items())))
    for where, expected, got in wrong[:MAX_SHOWN]:
        print(f"#   {where}: callgrind {expected}, detprof {got}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--oracle", help="callgrind.out file (without it, only the builds are compared)")
    parser.add_argument("--program", help="the binary callgrind ran")
    parser.add_argument("--reference", help="LABEL of the dump the others must equal")
    parser.add_argument("--dump", nargs=3, action="append", required=True, metavar=("LABEL", "DUMP", "BINARY"),
                        help="a detprof dump and the binary it profiled")
    args = parser.parse_args()

    oracle = None
    if args.oracle:
        rules = collections.Counter({rule: 0 for rule in RULES})
        oracle = read_oracle(args.oracle, args.program, rules)
        for rule in RULES:
            print(f"# callgrind: {rule}: {rules[rule]}")

    builds = collections.OrderedDict()
    for label, path, binary in args.dump:
        calls, arcs, _ = read_dump(path)
        builds[label] = split_library(calls, arcs, binary)

    for label, (calls, arcs, lib_calls, lib_arcs, dropped, renamed) in builds.items():
        print(f"# {label}: library functions with hooks (clang's inlined glibc extern inlines), "
              f"compared apart: {len(lib_calls)}; arcs from them, not compared: {dropped}; "
              f"named by an internal alias: {len(renamed)}{' (' + ', '.join(renamed) + ')' if renamed else ''}")
        if oracle is None:
            continue
        exact(label, "arcs", oracle[1], arcs, "callgrind", "detprof")
        exact(label, "calls", oracle[0], calls, "callgrind", "detprof")
        if lib_calls:
            compare_library(label, lib_calls, lib_arcs, oracle)

    if args.reference:
        ref_calls, ref_arcs = builds[args.reference][:2]
        for label, (calls, arcs, *_) in builds.items():
            if label != args.reference:
                exact(f"{label} against {args.reference}", "arcs", ref_arcs, arcs, args.reference, label)
                exact(f"{label} against {args.reference}", "calls", ref_calls, calls, args.reference, label)


if __name__ == "__main__":
    main()
