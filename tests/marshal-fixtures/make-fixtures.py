#!/usr/bin/env python3
"""Regenerates the marshal fixtures of tests/test-marshal.c.

Run it from anywhere with any Python 3:  python3 make-fixtures.py
It runs itself once under every Python 3.6-3.13 that pyenv knows, and each
of those writes, into this directory:

  cprofile-X.Y.prof   cProfile with a fake integer timer (deterministic)
  profile-X.Y.prof    profile.py with a fake integer timer (deterministic)
  script-X.Y.prof     python -m profile -o ... script.py (a code object key)
  crafted-X.Y.prof    marshal.dump of a hand-made dict with big numbers,
                      followed by a second object that readers must not eat

and next to each a .expected file, which is that Python's own reading of
the dump: "consumed N", "entries N" and "value TEXT", where TEXT is the
canonical rendering that render () below and render_value () in
test-marshal.c both implement. With 3.11 it also writes
spec-b8-profile.prof, the whole of the dump that pstats-format.md b.8
annotates (the b.7 dump is in test-marshal.c: cProfile's entry order is
not reproducible).
"""
import cProfile
import marshal
import os
import profile
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# The workload of pstats-format.md b.7 and b.8: f is on line 2, main on 4.
DEMO = """ticks = [0]
def f():
    ticks[0] += 3
def main():
    ticks[0] += 1; f(); ticks[0] += 1
"""

# Non-ASCII names and file names are written as 'u'/'t' strings, and ASCII
# ones of 256 characters or more as 'a'/'A'.
CAFE = """ticks = [0]
def fact(n):
    ticks[0] += 1
    return 1 if n <= 1 else n * fact(n - 1)
def donn\u00e9es():
    ticks[0] += 2
    return sorted([3, 1, 2])
"""

LONG_NAME = "long/" + "d" * 260 + ".py"


def float_bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def render_text(data):
    out = []
    for byte in bytearray(data):
        c = chr(byte)
        if 0x20 <= byte <= 0x7E and c not in "'\\":
            out.append(c)
        else:
            out.append("\\x%02x" % byte)
    return "'" + "".join(out) + "'"


def render(obj):
    """The canonical text of a marshal value (see test-marshal.c)."""
    if obj is None:
        return "None"
    if obj is True or obj is False:
        return repr(obj)
    if obj is Ellipsis:
        return "..."
    if obj is StopIteration:
        return "StopIteration"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return "f:" + float_bits(obj)
    if isinstance(obj, complex):
        return "c:%s:%s" % (float_bits(obj.real), float_bits(obj.imag))
    if isinstance(obj, str):
        return render_text(obj.encode("utf-8", "surrogatepass"))
    if isinstance(obj, bytes):
        return "b" + render_text(obj)
    if isinstance(obj, tuple):
        return "(" + ", ".join(render(x) for x in obj) + ")"
    if isinstance(obj, list):
        return "[" + ", ".join(render(x) for x in obj) + "]"
    if isinstance(obj, frozenset):
        return "<frozenset %d>" % len(obj)
    if isinstance(obj, set):
        return "<set %d>" % len(obj)
    if isinstance(obj, dict):
        return "{" + ", ".join("%s: %s" % (render(k), render(v))
                               for k, v in obj.items()) + "}"
    if hasattr(obj, "co_name"):
        return "<code %s %s %d>" % (render(obj.co_name), render(obj.co_filename),
                                    obj.co_firstlineno)
    raise TypeError(type(obj))


def write_expected(path, consumed=None):
    with open(path, "rb") as f:
        data = f.read()
    obj = marshal.loads(data)
    if consumed is None:
        consumed = len(data)
    with open(path[:-len(".prof")] + ".expected", "w") as f:
        f.write("consumed %d\n" % consumed)
        f.write("entries %d\n" % len(obj))
        f.write("value %s\n" % render(obj))


def load(source, filename):
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def run_cprofile(path):
    demo = load(DEMO, "demo.py")
    cafe = load(CAFE, "caf\u00e9.py")
    long_ = load(DEMO, LONG_NAME)
    # One shared tick counter, so the fake timer sees every function's work.
    cafe["ticks"] = long_["ticks"] = demo["ticks"]
    pr = cProfile.Profile(lambda: demo["ticks"][0], 0.25)
    pr.enable()
    demo["main"]()
    cafe["fact"](4)
    cafe["donn\u00e9es"]()
    long_["main"]()
    pr.disable()
    pr.dump_stats(path)


def run_profile(path, source=DEMO, command="main()"):
    demo = load(source, "demo.py")
    pr = profile.Profile(lambda: demo["ticks"][0])
    pr.runctx(command, demo, demo)
    pr.dump_stats(path)


def run_script(path):
    subprocess.check_call([sys.executable, "-m", "profile", "-o", path, "script.py"],
                          cwd=HERE, stdout=subprocess.DEVNULL)


def run_crafted(path):
    stats = {
        ("big.py", 2 ** 31, "counts"): (2 ** 40, 2 ** 63 - 1, 0.5, -0.0,
                                        {("x.py", -2 ** 63, "y"): (2 ** 31, -2 ** 31 - 1,
                                                                   1e300, float("inf"))}),
        ("", 0, "max"): (1, 1, 0, 0, {("big.py", 2 ** 31, "counts"): 1}),
        ("\u00e9\u4e2d\U0001f600.py", 1, "x" * 300): (0, 0, 0.0, 0.0, {}),
    }
    first = marshal.dumps(stats)
    with open(path, "wb") as f:
        f.write(first + marshal.dumps(("trailer", 1)))
    return len(first)


def generate_for_this_python():
    version = "%d.%d" % sys.version_info[:2]
    for kind, run in (("cprofile", run_cprofile), ("profile", run_profile),
                      ("script", run_script), ("crafted", run_crafted)):
        path = os.path.join(HERE, "%s-%s.prof" % (kind, version))
        write_expected(path, run(path))
    if version == "3.11":
        path = os.path.join(HERE, "spec-b8-profile.prof")
        run_profile(path)
        write_expected(path)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--this-python":
        generate_for_this_python()
        return
    versions = subprocess.check_output(["pyenv", "versions", "--bare"],
                                       universal_newlines=True).split()
    for full in versions:
        parts = full.split(".")
        if parts[0] != "3" or not 6 <= int(parts[1]) <= 13:
            continue
        short = "%s.%s" % (parts[0], parts[1])
        env = dict(os.environ, PYENV_VERSION=full)
        print("Python", full)
        subprocess.check_call(["python" + short, os.path.abspath(__file__), "--this-python"],
                              env=env)


if __name__ == "__main__":
    main()
