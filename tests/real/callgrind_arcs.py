"""callgrind_arcs.py: the call arcs of a callgrind.out file, by object, file and function.

tests/callgrind-calls.py prints arcs by function name alone. The real-program
suite needs two more things per function: its object, to tell the program's
own functions (which have hooks) from the C library's (which have none), and
its file, to keep apart static functions of the same name in different files.

The format (valgrind's "Callgrind Format Specification"): ob=, fl= and fn=
set the current object, file and function; fi= and fe= switch the file for
inlined code without changing the function; cob=, cfi= (or cfl=) and cfn=
name the target of the next calls= line, and default to the current object
and file when absent. Names may be compressed as "(id) name" on first use and
"(id)" afterwards; each kind has its own ids.
"""
import collections
import re

Node = collections.namedtuple("Node", "object file name")

_COMPRESSED = re.compile(r"\((\d+)\)(?:\s+(.*))?$")


def parse(path):
    """Returns a Counter of (caller Node, callee Node) -> calls, summed over parts and threads."""
    arcs = collections.Counter()
    ids = {"ob": {}, "fl": {}, "fn": {}}

    def name(kind, spec):
        m = _COMPRESSED.match(spec)
        if m is None:
            return spec
        if m.group(2) is not None:
            ids[kind][m.group(1)] = m.group(2)
        return ids[kind][m.group(1)]

    ob = fl = None
    caller = None
    cob = cfl = cfn = None
    with open(path) as f:
        for line in f:
            key, eq, value = line.rstrip("\n").partition("=")
            if not eq:
                continue
            if key == "ob":
                ob = name("ob", value)
            elif key == "fl":
                fl = name("fl", value)
            elif key in ("fi", "fe"):
                name("fl", value)  # only to learn the id
            elif key == "fn":
                caller = Node(ob, fl, name("fn", value))
                cob = cfl = None
            elif key == "cob":
                cob = name("ob", value)
            elif key in ("cfi", "cfl"):
                cfl = name("fl", value)
            elif key == "cfn":
                cfn = name("fn", value)
            elif key == "calls":
                callee = Node(cob if cob is not None else ob, cfl if cfl is not None else fl, cfn)
                arcs[(caller, callee)] += int(value.split()[0])
                cob = cfl = None
    return arcs
