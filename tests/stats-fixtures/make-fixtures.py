#!/usr/bin/env python3
"""Regenerates the stats dumps in this directory (tests/stats-fixtures).

Run it with python3 from anywhere: it writes next to itself. The dumps were
made with CPython 3.11.7. Every profile runs under a fake integer timer that
only the workload advances (a port of CPython's Lib/test/profilee.py), so
the numbers are the same on every run; only script-mode.prof uses the real
clock, and its numbers are never compared.

  cprofile-profilee.prof      cProfile, timeunit 0.001: float times, 4-tuple
                              callers, built-ins keyed ("~", 0, "<...>"),
                              recursion (factorial), directories to strip
  cprofile-profilee-v2.prof   the same dictionary, marshal version 2
                              (only { ( u i g 0, no references)
  profile-profilee.prof       profile.Profile, no bias: integer times and
                              integer callers, root and command records
  profile-bias.prof           profile.Profile, bias 0.001: float times (some
                              negative) with integer callers
  unicode-long.prof           cProfile: a non-ASCII file and function name,
                              a 300-character name, a 300-character path
  mixed-callers.prof          hand-made, marshal version 2: both callers
                              styles in one dump, a caller with no row of its
                              own, the ("jprofile", 0, "profiler") top-level
                              literal, nc == 0, a count above 2**31, ties,
                              keys that collide when directories are
                              stripped (rows and callers of one row)
  script-mode.prof            python -m profile -o: a code object as the
                              command record's name
  bad-*.prof, empty.prof,     malformed inputs for the error tests
  not-marshal.txt
"""
import cProfile
import marshal
import os
import profile
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

PROFILEE = '''
import sys

TICKS = 42000

def timer():
    return TICKS

def testfunc():
    global TICKS
    TICKS += 99
    helper()
    helper()
    TICKS += 171
    factorial(14)

def factorial(n):
    global TICKS
    if n > 0:
        TICKS += n
        return mul(n, factorial(n - 1))
    else:
        TICKS += 11
        return 1

def mul(a, b):
    global TICKS
    TICKS += 1
    return a * b

def helper():
    global TICKS
    TICKS += 1
    helper1()
    TICKS += 2
    helper1()
    TICKS += 6
    helper2()
    TICKS += 3
    helper2()
    TICKS += 2
    helper2()
    TICKS += 5
    helper2_indirect()
    TICKS += 1

def helper1():
    global TICKS
    TICKS += 10
    hasattr(C(), "foo")
    TICKS += 19
    lst = []
    lst.append(42)
    sys.exc_info()

def helper2_indirect():
    helper2()
    factorial(3)

def helper2():
    global TICKS
    TICKS += 11
    hasattr(C(), "bar")
    TICKS += 13
    subhelper()
    TICKS += 15

def subhelper():
    global TICKS
    TICKS += 2
    for i in range(2):
        try:
            C().foo
        except AttributeError:
            TICKS += 3

class C:
    def __getattr__(self, name):
        global TICKS
        TICKS += 1
        raise AttributeError
'''

UNICODE = '''
TICKS = 0

def timer():
    return TICKS

def grüße_函数(n):
    global TICKS
    TICKS += 7
    return n + 1

def %(long)s(n):
    global TICKS
    TICKS += 3
    return grüße_函数(n)

def main():
    global TICKS
    TICKS += 1
    for i in range(3):
        %(long)s(i)
    grüße_函数(0)
''' % {"long": "a_function_with_a_very_long_name_" + "x" * 267}


def load_module(source, filename):
    namespace = {"__name__": "fixture"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def make_cprofile_profilee():
    ns = load_module(PROFILEE, "/home/user/project/test/profilee.py")
    prof = cProfile.Profile(ns["timer"], 0.001)
    prof.runctx("testfunc()", ns, ns)
    prof.create_stats()
    write("cprofile-profilee.prof", marshal.dumps(prof.stats))
    write("cprofile-profilee-v2.prof", marshal.dumps(prof.stats, 2))


def make_profile_profilee(name, bias):
    ns = load_module(PROFILEE, "/home/user/project/test/profilee.py")
    prof = profile.Profile(ns["timer"], bias)
    prof.runctx("testfunc()", ns, ns)
    prof.create_stats()
    write(name, marshal.dumps(prof.stats))


def make_unicode_long():
    directory = "/home/user/" + "long-directory-name/" * 14 + "ünïcödé"
    ns = load_module(UNICODE, directory + "/naïve.py")
    prof = cProfile.Profile(ns["timer"], 0.5)
    prof.runctx("main()", ns, ns)
    prof.create_stats()
    write("unicode-long.prof", marshal.dumps(prof.stats))


def make_mixed_callers():
    main = ("/src/app/main.py", 10, "main")
    run = ("/src/app/main.py", 9, "run")
    work = ("/src/lib/work.py", 3, "work")
    other_work = ("/src/other/work.py", 3, "work")
    idle = ("/src/app/main.py", 30, "idle")
    builtin = ("~", 0, "<built-in method builtins.len>")
    plain = ("~", 0, "plain_builtin")
    jroot = ("jprofile", 0, "profiler")
    helper_a = ("/src/a/util.py", 1, "helper")
    helper_b = ("/src/b/util.py", 1, "helper")
    stats = {
        run: (1, 1, 0.25, 4.0, {jroot: (1, 1, 0.25, 4.0)}),
        main: (1, 1, 0.5, 3.75, {run: 1}),
        work: (7, 5, 1.125, 2.5, {main: (4, 3, 0.5, 1.0), work: (2, 0, 0.125, 0.25),
                                  run: 1}),
        other_work: (2, 2, 0.75, 0.75, {run: 2}),
        helper_a: (1, 1, 0.125, 0.125, {run: 1}),
        helper_b: (2, 2, 0.25, 0.25, {run: 2}),
        builtin: (3000000000, 3000000000, 0.0, 0.0, {work: (3000000000, 3000000000, 0.0, 0.0)}),
        plain: (6, 6, -0.0001, 0.5, {main: 3, helper_a: 1, helper_b: 2}),
        idle: (0, 0, 0, 0, {}),
    }
    write("mixed-callers.prof", marshal.dumps(stats, 2))


def make_script_mode():
    script = os.path.join(HERE, "tiny_script.py")
    out = os.path.join(HERE, "script-mode.prof")
    with open(script, "w") as f:
        f.write("def f():\n    return sorted([3, 1, 2])\n\nf()\n")
    try:
        subprocess.run([sys.executable, "-m", "profile", "-o", out, "tiny_script.py"],
                       cwd=HERE, check=True)
    finally:
        os.unlink(script)


def make_bad_inputs():
    key = ("a.py", 1, "f")
    write("bad-not-dict.prof", marshal.dumps([1, 2, 3], 2))
    write("bad-short-value.prof", marshal.dumps({key: (1, 2)}, 2))
    write("bad-key.prof", marshal.dumps({("a.py", "1", "f"): (1, 1, 0.0, 0.0, {})}, 2))
    write("bad-caller-value.prof",
          marshal.dumps({key: (1, 1, 0.0, 0.0, {("b.py", 2, "g"): "three"})}, 2))
    write("empty.prof", marshal.dumps({}, 2))
    write("not-marshal.txt", b"This is not a stats dump.\n")


if __name__ == "__main__":
    make_cprofile_profilee()
    make_profile_profilee("profile-profilee.prof", 0)
    make_profile_profilee("profile-bias.prof", 0.001)
    make_unicode_long()
    make_mixed_callers()
    make_script_mode()
    make_bad_inputs()
