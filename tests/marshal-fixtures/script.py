# Profiled by make-fixtures.py with `python -m profile -o`, so that the dump
# holds this module's code object, with every kind of constant inside it.
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


CONSTANTS = (None, True, False, ..., 1.5, 2j, b"bytes", "text", "caf\u00e9",
             2 ** 40, 2 ** 70, -2 ** 80, lambda: 0)
if "x" in {"x", "y"}:
    fib(5)
