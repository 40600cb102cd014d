#!/usr/bin/env python3
"""run-accuracy.py BUILDDIR: how close detprof's numbers are to the truth.

For each workload in bench/accuracy (coarse, medium, fill-sort, fib,
four-phases) and
each built-in timer, this runs, several times each and in the same session:

  truth           the plain build: "--truth" times every workload function
                  in isolation (per call x calls in the workload = its true
                  self time), and a plain run gives the uninstrumented time
                  of the whole workload;
  -b 0            detprof with no correction;
  -b auto         detprof with its calibrated bias ("auto: not available"
                  when this detprof does not accept it);
  instrumented    the -finstrument-functions build run without any profiler
                  (glibc's no-op hooks): what the instrumentation alone does
                  to the program, which no bias can take away;
  uftrace, gprof  the peers on the same workloads, where installed.

It compares each profile's total (the sum of the self times of the workload
functions, driver included) with the uninstrumented run time, and each
function's self time with its truth, and prints the signed errors in percent
(positive: the profile says the function takes longer than it does). Each
figure is the median over the runs. The fill-sort workload also reports
fill's share of fill + sort, fib the top-level cumulative time of fib, and
four-phases, per phase, the cumulative time of the phase function under
"-b auto" against the phase's truth (the phase timed as a whole), with the
bound the profile reports and whether the truth lies within it. At the
end: the coverage of the bounds, and, for each of issue 14's accuracy
targets, how far apart identical runs came (half their range is the
closest a bias, the same in every run, can bring all of them).
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TIMERS = ["tsc", "tsc-fenced", "wall", "cpu", "thread-cpu", "rusage", "times", "coarse"]
BIASES = ["0", "auto"]
DRIVER = "run_workload"

WORKLOADS = [
    {"name": "coarse", "title": "functions of 10 us to 1 ms"},
    {"name": "medium", "title": "functions of 100 ns to 2 us"},
    {"name": "fill-sort",
     "title": "a million calls to a tiny next_random(), then a heapsort",
     # fill's share of fill + sort, cumulative: fill's time includes
     # that of next_random, which only fill calls.
     "share": (["fill", "next_random"], ["sort"])},
    {"name": "fib", "title": "fib(30), 2.7 million calls of a few ns",
     "toplevel": "fib"},
    {"name": "four-phases",
     "title": "a fill of 2 ns calls, a heapsort, a 400-step function,"
     " qsort calling back a comparator",
     # Phase functions: each one's cumulative time is checked against the
     # phase's truth, the phase function timed as a whole ("phase" lines
     # of --truth).
     "phases": ["phase_fill", "phase_heapsort", "phase_steps", "phase_qsort"]},
]

RUN_TIMEOUT = 300  # seconds; --run-timeout


class Unavailable(Exception):
    """A configuration that cannot be run here: what to print in its row,
    and optionally the detail (what the tool said)."""

    def __init__(self, message, detail=None, transient=False):
        super().__init__(message)
        self.detail = detail
        self.transient = transient  # worth another try (a program being rebuilt)


def retrying(measure, tries=4, pause=3.0):
    """MEASURE(), tried again after a pause when it fails in a way that may
    pass: a shared build tree being rebuilt under us, say."""
    for attempt in range(tries):
        try:
            return measure()
        except Unavailable as e:
            if not e.transient or attempt == tries - 1:
                raise
            log("   (%s; trying again)" % e)
            time.sleep(pause)
    raise AssertionError("not reached")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def set_run_timeout(seconds):
    global RUN_TIMEOUT
    RUN_TIMEOUT = seconds


def run(argv, cwd=None, env=None, timeout=None):
    """Run ARGV; return (returncode, stdout, stderr)."""
    timeout = timeout or RUN_TIMEOUT
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %.0f s" % timeout
    except OSError as e:
        return 127, "", str(e)
    return p.returncode, p.stdout, p.stderr


def first_line(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "no message"


def parse_elapsed(stdout):
    """(wall, cpu) seconds from the workload's "elapsed_ns N cpu_ns M" line,
    or (None, None)."""
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "elapsed_ns" and parts[2] == "cpu_ns":
            return float(parts[1]) * 1e-9, float(parts[3]) * 1e-9
    return None, None


# Below this share of a CPU (CPU time / wall time of the work), the machine
# was busy: the run waited for a CPU, and wall-clock figures are inflated.
BUSY_CPU_SHARE = 0.95


# ---------------------------------------------------------------------------
# The workload's own measurements


def measure_truth(prog, env):
    """({name: (self_ns_per_call, calls)}, {phase: cumulative_ns}) from
    PROG --truth: "name per_call calls" lines, and "phase NAME ns" lines
    for the workloads made of phases."""
    rc, out, err = run([prog, "--truth"], env=env)
    if rc != 0:
        raise Unavailable("%s --truth failed: %s" % (prog, first_line(err)),
                          transient=True)
    truth, phases = {}, {}
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "phase":
            phases[parts[1]] = float(parts[2])
            continue
        name, per_call, calls = parts
        truth[name] = (float(per_call), int(calls))
    return truth, phases


def measure_elapsed(prog, env):
    """(wall, cpu) seconds of the work in one run of PROG."""
    rc, out, err = run([prog], env=env)
    wall, cpu = parse_elapsed(out)
    if rc != 0 or wall is None:
        raise Unavailable("%s failed: %s" % (prog, first_line(err)),
                          transient=True)
    return wall, cpu


# ---------------------------------------------------------------------------
# Profilers: each returns {"self": {function: seconds}, "cum": {...},
# "negative": [functions with a negative self time], "elapsed": seconds}.


def profile_detprof(detprof, timer, bias, prog, tmp, env):
    out_file = os.path.join(tmp, "x.prof")
    if os.path.exists(out_file):
        os.unlink(out_file)
    rc, out, err = run([detprof, "-t", timer, "-b", bias, "-o", out_file, prog],
                       cwd=tmp, env=env)
    if rc != 0 or not os.path.exists(out_file):
        # Exit status 2 is the runner's usage error: it does not take "auto".
        if bias == "auto" and rc == 2:
            raise Unavailable("auto: not available", first_line(err))
        raise Unavailable("failed: " + first_line(err),
                          transient=rc == 127 or not os.access(detprof, os.X_OK))
    import pstats  # only needed here; part of the standard library
    try:
        stats = pstats.Stats(out_file).stats
    except Exception as e:  # a dump pstats cannot load is a finding too
        raise Unavailable("pstats cannot load the dump: %s" % e)
    selfs, cums, negative = {}, {}, []
    for (_file, _line, name), (_cc, _nc, tt, ct, _callers) in stats.items():
        selfs[name] = selfs.get(name, 0.0) + tt
        cums[name] = cums.get(name, 0.0) + ct
        if tt < 0 or ct < 0:
            negative.append(name)
    wall, cpu = parse_elapsed(out)
    return {"self": selfs, "cum": cums, "negative": negative,
            "bounds": read_bounds(out_file), "elapsed": wall, "cpu": cpu}


def read_bounds(path):
    """{name: (tottime bound, cumtime bound)} in seconds, from the "bounds"
    of detprof's object after the stats dict; {} when the dump has none."""
    import marshal
    with open(path, "rb") as f:
        marshal.load(f)
        try:
            extra = marshal.load(f)
        except (EOFError, ValueError, TypeError):
            return {}
    bounds = {}
    if not isinstance(extra, dict):
        return bounds
    for (_file, _line, name), tt_bound, ct_bound, _arcs in extra.get("bounds", ()):
        tb, cb = bounds.get(name, (0.0, 0.0))
        bounds[name] = (tb + tt_bound, cb + ct_bound)
    return bounds


UFTRACE_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                 "h": 3600.0}


def profile_uftrace(prog, tmp, env):
    data = os.path.join(tmp, "uftrace.data")
    shutil.rmtree(data, ignore_errors=True)
    rc, out, err = run(["uftrace", "record", "--no-pager", "-d", data, prog],
                       cwd=tmp, env=env)
    if rc != 0:
        raise Unavailable("uftrace record failed: " + first_line(err))
    elapsed, cpu = parse_elapsed(out)
    rc, report, err = run(["uftrace", "report", "--no-pager", "-d", data,
                           "-f", "total,self,call"], cwd=tmp, env=env)
    if rc != 0:
        raise Unavailable("uftrace report failed: " + first_line(err))
    selfs = {}
    for line in report.splitlines():
        # "  77.346 ms   49.139 ms           1  fill": total, self, calls, name
        parts = line.split()
        if (len(parts) < 6 or parts[1] not in UFTRACE_UNITS
                or parts[3] not in UFTRACE_UNITS):
            continue
        try:
            self_ = float(parts[2]) * UFTRACE_UNITS[parts[3]]
        except ValueError:
            continue
        name = " ".join(parts[5:])
        selfs[name] = selfs.get(name, 0.0) + self_
    shutil.rmtree(data, ignore_errors=True)
    # uftrace's total time of a recursive function is not its top-level
    # time, so "cum" stays empty: the top-level figure comes from self times.
    return {"self": selfs, "cum": {},
            "negative": [n for n, v in selfs.items() if v < 0],
            "elapsed": elapsed, "cpu": cpu}


def profile_gprof(prog, tmp, env):
    gmon = os.path.join(tmp, "gmon.out")
    if os.path.exists(gmon):
        os.unlink(gmon)
    rc, out, err = run([prog], cwd=tmp, env=env)
    if rc != 0 or not os.path.exists(gmon):
        raise Unavailable("the -pg build wrote no gmon.out: " + first_line(err))
    elapsed, cpu = parse_elapsed(out)
    rc, flat, err = run(["gprof", "-b", "-p", prog, gmon], cwd=tmp, env=env)
    if rc != 0:
        raise Unavailable("gprof failed: " + first_line(err))
    selfs = {}
    for line in flat.splitlines():
        # " 44.49      0.08     0.08    25000     0.00     0.00  lcg_2us"
        parts = line.split()
        if len(parts) < 4:
            continue
        try:
            float(parts[0])
            self_ = float(parts[2])
        except ValueError:
            continue
        selfs[parts[-1]] = selfs.get(parts[-1], 0.0) + self_
    # A run shorter than gprof's 10 ms sampling period may get no sample at
    # all: every self time is then 0, which is what gprof says.
    no_samples = "no time accumulated" in flat or not any(selfs.values())
    return {"self": selfs, "cum": {}, "negative": [], "elapsed": elapsed,
            "cpu": cpu, "no_samples": no_samples}


def warm_up_auto(detprof, timers, prog, tmp, env, timeout):
    """Run "-b auto" once per timer on a short program, so that the first
    use's calibration (stored, then reused) is neither timed nor counted in
    a configuration's run time. Returns {timer: (seconds, None or why
    "auto" cannot be used with it)}."""
    out = {}
    for timer in timers:
        log("[calibration] -t %s -b auto" % timer)
        out_file = os.path.join(tmp, "warm-up.prof")
        t0 = time.monotonic()
        rc, _out, err = run([detprof, "-t", timer, "-b", "auto", "-o", out_file, prog],
                            cwd=tmp, env=env, timeout=timeout)
        took = time.monotonic() - t0
        if rc == 2:
            out[timer] = (took, "auto: not available")
            # A usage error: no other timer will fare better.
            for t in timers:
                out.setdefault(t, (0.0, "auto: not available"))
            out["detail"] = first_line(err)
            break
        if rc == 124:
            out[timer] = (took, "auto: calibration took over %.0f s;"
                          " run detprof-calibrate -t %s first" % (timeout, timer))
        elif rc != 0 or not os.path.exists(out_file):
            out[timer] = (took, "auto: failed: " + first_line(err))
        else:
            out[timer] = (took, None)
    return out


# ---------------------------------------------------------------------------
# Figures


def run_metrics(workload, truth, result):
    """The figures of one profiled run: {key: value}. Keys: ("total",),
    ("self", function), ("share",), ("toplevel",), ("elapsed",)."""
    selfs = result["self"]
    m = {}
    names = list(truth) + [DRIVER]
    m[("total",)] = sum(selfs.get(n, 0.0) for n in names)
    for n in truth:
        m[("self", n)] = selfs.get(n, 0.0)
    if "share" in workload:
        part, rest = workload["share"]
        a = sum(selfs.get(n, 0.0) for n in part)
        b = sum(selfs.get(n, 0.0) for n in rest)
        m[("share",)] = 100.0 * a / (a + b) if a + b > 0 else float("nan")
    if "toplevel" in workload:
        n = workload["toplevel"]
        # A recursive function's cumulative time counts its outermost calls
        # only; a profiler that has none (gprof) gives its self time, which
        # is the same here: fib calls nothing else.
        m[("toplevel",)] = result["cum"].get(n, selfs.get(n, 0.0))
    # detprof's error bounds, where the dump has them.
    bounds = result.get("bounds") or {}
    for n in truth:
        if n in bounds:
            m[("bound", n)] = bounds[n][0]
    if "toplevel" in workload and workload["toplevel"] in bounds:
        m[("topbound",)] = bounds[workload["toplevel"]][1]
    # Phases: the cumulative time of each phase function and its bound,
    # where the profiler gives them (detprof; the peers' "cum" is empty).
    for p in workload.get("phases", ()):
        if p in result["cum"]:
            m[("phase", p)] = result["cum"][p]
        if p in bounds:
            m[("phasebound", p)] = bounds[p][1]
    if result.get("elapsed"):
        m[("elapsed",)] = result["elapsed"]
        if result.get("cpu") is not None:
            m[("cpu_share",)] = result["cpu"] / result["elapsed"]
    return m


def truth_metrics(workload, truth, plain_elapsed, phases=None):
    selfs = {n: per * 1e-9 * calls for n, (per, calls) in truth.items()}
    m = {("total",): plain_elapsed}
    for p, ns in (phases or {}).items():
        m[("phase", p)] = ns * 1e-9
    for n in truth:
        m[("self", n)] = selfs[n]
    if "share" in workload:
        part, rest = workload["share"]
        a = sum(selfs[n] for n in part)
        b = sum(selfs[n] for n in rest)
        m[("share",)] = 100.0 * a / (a + b)
    if "toplevel" in workload:
        m[("toplevel",)] = selfs[workload["toplevel"]]
    m[("elapsed",)] = plain_elapsed
    return m


def medians(runs):
    keys = set()
    for r in runs:
        keys.update(r)
    return {k: statistics.median([r[k] for r in runs if k in r]) for k in keys}


def spread(values):
    """(max - min) / median of VALUES, in percent: how noisy a figure is."""
    m = statistics.median(values)
    return 100.0 * (max(values) - min(values)) / m if m else ""


def error_pct(value, truth):
    if truth == 0:
        return float("nan")
    return 100.0 * (value - truth) / truth


def fmt_err(e):
    if e != e:
        return "n/a"
    if abs(e) >= 1000:
        return "%+.0f %%" % e
    return "%+.1f %%" % e


def fmt_time(s):
    if abs(s) >= 1:
        return "%.3f s" % s
    if abs(s) >= 1e-3:
        return "%.2f ms" % (s * 1e3)
    if abs(s) >= 1e-6 or s == 0:
        return "%.1f us" % (s * 1e6)
    return "%.0f ns" % (s * 1e9)  # a bound of a call-free function, say


# ---------------------------------------------------------------------------
# The benchmark


class Config:
    """One way of measuring a workload: a profiler with its settings."""

    def __init__(self, label, source, timer, bias, measure):
        self.label = label
        self.source = source
        self.timer = timer
        self.bias = bias
        self.measure = measure  # () -> result dict, or raises Unavailable
        self.runs = []          # metrics of each run
        self.negative_runs = 0
        self.no_sample_runs = 0
        self.negative_names = set()
        self.unavailable = None
        self.detail = None
        self.spent = 0.0
        self.coverage = None    # see coverage ()
        self.phase_coverage = None  # see phase_coverage ()


def bench_workload(workload, args, paths, env, tmp, warm):
    name = workload["name"]
    plain, instr, gprof_prog = (paths[name + "-plain"],
                                paths[name + "-instrumented"],
                                paths[name + "-gprof"])
    configs = []
    for timer in args.timers:
        for bias in BIASES:
            c = Config("%s -b %s" % (timer, bias), "detprof", timer, bias,
                       lambda t=timer, b=bias: profile_detprof(
                           paths["detprof"], t, b, instr, tmp, env))
            if bias == "auto" and warm.get(timer, (0, None))[1]:
                c.unavailable = warm[timer][1]
                if c.unavailable == "auto: not available":
                    c.detail = warm.get("detail")
            configs.append(c)
    if args.peers:
        if shutil.which("uftrace"):
            configs.append(Config("uftrace", "uftrace", "", "",
                                  lambda: profile_uftrace(instr, tmp, env)))
        if shutil.which("gprof"):
            configs.append(Config("gprof", "gprof", "", "",
                                  lambda: profile_gprof(gprof_prog, tmp, env)))

    truth_runs, phase_runs, plain_runs, instr_runs = [], [], [], []
    # Rounds: every configuration once per round, so that a machine that
    # gets busier half-way through hurts all of them alike.
    for rnd in range(args.runs):
        log("[%s] round %d/%d" % (name, rnd + 1, args.runs))
        functions, phases = retrying(lambda: measure_truth(plain, env))
        truth_runs.append(functions)
        phase_runs.append(phases)
        plain_runs.append(retrying(lambda: measure_elapsed(plain, env)))
        instr_runs.append(retrying(lambda: measure_elapsed(instr, env)))
        for c in configs:
            if c.unavailable or (c.runs and c.spent > args.max_seconds):
                continue
            t0 = time.monotonic()
            try:
                result = retrying(c.measure)
            except Unavailable as e:
                c.unavailable = str(e)
                c.detail = e.detail
                continue
            c.spent += time.monotonic() - t0
            if result.get("no_samples"):
                c.no_sample_runs += 1
            if result["negative"]:
                c.negative_runs += 1
                c.negative_names.update(result["negative"])
            c.runs.append(run_metrics(workload, truth_runs[0], result))

    # The truth: the median per-call time of each function over the rounds.
    truth = {}
    for n, (_per, calls) in truth_runs[0].items():
        truth[n] = (statistics.median(t[n][0] for t in truth_runs), calls)
    # A phase's truth: the median of its cumulative time over the rounds.
    phase_truth = {p: statistics.median(t[p] for t in phase_runs)
                   for p in workload.get("phases", ())}
    plain_cpu_share = statistics.median(c / w for w, c in plain_runs)
    plain_runs = [w for w, _c in plain_runs]
    instr_runs = [w for w, _c in instr_runs]
    plain_elapsed = statistics.median(plain_runs)
    instr_elapsed = statistics.median(instr_runs)
    tm = truth_metrics(workload, truth, plain_elapsed, phase_truth)
    # How well the truth itself is known. A profile times one run, and the
    # same code runs a little faster or slower from one run to the next:
    # a bound on the profiler's error cannot cover that. How far apart two
    # measurements of the same thing came out in this session is the range
    # of the function's truth over the rounds, or of the whole
    # uninstrumented run (relative), whichever is larger.
    plain_range = (max(plain_runs) - min(plain_runs)) / plain_elapsed
    truth_noise = {n: max(max(t[n][0] for t in truth_runs) - min(t[n][0] for t in truth_runs),
                          plain_range * truth[n][0]) * 1e-9 * calls
                   for n, (_per, calls) in truth.items()}
    # The same for the phases, whose truths are times of a whole phase.
    phase_noise = {p: max(max(t[p] for t in phase_runs) - min(t[p] for t in phase_runs),
                          plain_range * ns) * 1e-9
                   for p, ns in phase_truth.items()}
    for c in configs:
        c.coverage = coverage(c.runs, tm, truth_noise, truth)
        c.phase_coverage = phase_coverage(c.runs, tm, phase_noise, phase_truth)
    return {"workload": workload, "truth": truth, "truth_metrics": tm,
            "truth_noise": truth_noise,
            "phase_truth": phase_truth, "phase_noise": phase_noise,
            "phase_runs": {p: [t[p] for t in phase_runs] for p in phase_truth},
            "plain_elapsed": plain_elapsed, "instr_elapsed": instr_elapsed,
            "plain_cpu_share": plain_cpu_share,
            "truth_runs": {n: [t[n][0] for t in truth_runs] for n in truth},
            "plain_runs": plain_runs, "instr_runs": instr_runs,
            "configs": configs, "rounds": args.runs}


def coverage(runs, tm, truth_noise, truth):
    """Whether each (function, run) pair holds the truth within its bound:
    None when the runs have no bounds, else a dict with the number of
    pairs, how many hold the truth strictly within the bound ("strict"),
    how many within the bound widened by the truth's own run-to-run noise
    (the range of its measurements over the rounds: "noisy"), the
    median width of the bounds in % of the truth, and, per function, the
    median bound in % of its truth."""
    pairs = strict = noisy = 0
    widths, per_function, outside = [], {}, []
    for i, r in enumerate(runs):
        for n in truth:
            if ("bound", n) not in r:
                continue
            t = tm[("self", n)]
            err = abs(r[("self", n)] - t)
            b = r[("bound", n)]
            pairs += 1
            strict += err <= b
            noisy += err <= b + truth_noise[n]
            if err > b + truth_noise[n]:
                outside.append("%s in run %d: %s, bound ±%.1f %%, the truth's noise ±%.1f %%"
                               % (n, i + 1, fmt_err(error_pct(r[("self", n)], t)),
                                  100.0 * b / t, 100.0 * truth_noise[n] / t))
            width = 100.0 * b / t if t else float("inf")
            widths.append(width)
            per_function.setdefault(n, []).append(width)
    if not pairs:
        return None
    return {"pairs": pairs, "strict": strict, "noisy": noisy, "outside": outside,
            "width": statistics.median(widths),
            "function_width": {n: statistics.median(w) for n, w in per_function.items()}}


def phase_coverage(runs, tm, phase_noise, phase_truth):
    """Per phase, whether the runs hold the phase's truth within the bound
    of the phase function's cumulative time: None when the runs have no
    such bounds, else {phase: {"runs", "strict", "noisy"}}, counted as in
    coverage ()."""
    out = {}
    for p in phase_truth:
        t = tm[("phase", p)]
        rows = [(abs(r[("phase", p)] - t), r[("phasebound", p)]) for r in runs
                if ("phase", p) in r and ("phasebound", p) in r]
        if rows:
            out[p] = {"runs": len(rows),
                      "strict": sum(err <= b for err, b in rows),
                      "noisy": sum(err <= b + phase_noise[p] for err, b in rows)}
    return out or None


def fmt_coverage(cov, key="strict"):
    return "%.0f %%" % (100.0 * cov[key] / cov["pairs"])


def columns_of(workload, truth):
    cols = [(("total",), "total")]
    cols += [(("self", n), n) for n in truth]
    if "share" in workload:
        cols.append((("share",), "fill share"))
    if "toplevel" in workload:
        cols.append((("toplevel",), "top-level cum"))
    return cols


def cell(key, value, truth_value):
    if key == ("share",):
        return "%.1f %%" % value if value == value else "n/a"
    return fmt_err(error_pct(value, truth_value))


def print_workload(res):
    w, truth, tm = res["workload"], res["truth"], res["truth_metrics"]
    plain, instr = res["plain_elapsed"], res["instr_elapsed"]
    sum_truth = sum(per * 1e-9 * calls for per, calls in truth.values())
    print()
    print("== %s: %s" % (w["name"], w["title"]))
    print("   uninstrumented run: %s (the isolated truths add up to %s, %.1f %%;"
          % (fmt_time(plain), fmt_time(sum_truth), 100.0 * sum_truth / plain))
    print("   the rest is the driver, %s, and the difference between running"
          " alone and in the mix)" % DRIVER)
    if res["plain_cpu_share"] < BUSY_CPU_SHARE:
        print("   ~ BUSY MACHINE: the uninstrumented runs got %.0f %% of a CPU;"
              " wall-clock figures are inflated, the truths (medians of 9) less"
              % (100.0 * res["plain_cpu_share"]))
    print("   instrumented, not profiled: %s, %s against uninstrumented: what"
          " no bias can remove" % (fmt_time(instr), fmt_err(error_pct(instr, plain))))
    print()
    print("   %-14s %12s %12s %12s" % ("function", "calls", "per call", "truth self"))
    for n, (per, calls) in truth.items():
        print("   %-14s %12d %9.1f ns %12s" % (n, calls, per, fmt_time(per * 1e-9 * calls)))
    if "share" in w:
        print("   %-14s %12s %12s %11.1f %%" % ("fill share", "", "", tm[("share",)]))
    print()
    cols = columns_of(w, truth)
    widths = [max(len(label), 10) for _k, label in cols]
    print("   %-22s" % "error vs truth" + "".join(
        "  %*s" % (wd, label) for (_k, label), wd in zip(cols, widths)))
    print("   %-22s" % "truth" + "".join(
        "  %*s" % (wd, "%.1f %%" % tm[k] if k == ("share",) else fmt_time(tm[k]))
        for (k, _l), wd in zip(cols, widths)))
    notes = []
    details = set()
    for c in res["configs"]:
        label = c.label
        if c.detail and c.detail not in details:
            details.add(c.detail)
            notes.append("   %s: %s" % (c.unavailable, c.detail))
        if not c.runs:
            print("   %-22s  %s" % (label, c.unavailable or "no runs"))
            continue
        if len(c.runs) < res["rounds"]:
            label += " (%d)" % len(c.runs)
        if c.no_sample_runs == len(c.runs):
            print("   %-22s  no samples: it samples every 10 ms, and the workload"
                  " is shorter" % label)
            continue
        if c.no_sample_runs:
            notes.append("   %s: no samples at all in %d of %d runs (it samples"
                         " every 10 ms)" % (c.label, c.no_sample_runs, len(c.runs)))
        med = medians(c.runs)
        mark = "!" if c.negative_runs else " "
        if med.get(("cpu_share",), 1.0) < BUSY_CPU_SHARE:
            mark += "~"
        print("   %-22s" % label + "".join(
            "  %*s" % (wd, cell(k, med[k], tm[k]) if k in med else "-")
            for (k, _l), wd in zip(cols, widths)) + " " + mark)
        cov = getattr(c, "coverage", None)
        if cov:
            # The bound beside the error: the median bound, in % of the truth.
            print("   %-22s" % "  ± bound" + "".join(
                "  %*s" % (wd, "±%.1f %%" % cov["function_width"][k[1]]
                           if k[0] == "self" and k[1] in cov["function_width"] else "")
                for (k, _l), wd in zip(cols, widths)))
            notes.append("   %s: the truth lies within the bound in %d of %d (function, run) pairs"
                         " (%s); %d (%s) within the bound plus the truth's own noise;"
                         " median bound ±%.1f %%"
                         % (c.label, cov["strict"], cov["pairs"], fmt_coverage(cov),
                            cov["noisy"], fmt_coverage(cov, "noisy"), cov["width"]))
            for o in cov["outside"][:4]:
                notes.append("     outside even so: %s" % o)
        if c.negative_runs:
            notes.append("   ! %s: negative times in %d of %d runs (%s)"
                         % (c.label, c.negative_runs, len(c.runs),
                            ", ".join(sorted(c.negative_names))))
        if c.unavailable:
            notes.append("   %s: stopped after %d runs: %s"
                         % (c.label, len(c.runs), c.unavailable))
    print_phases(res)
    for n in notes:
        print(n)


def print_phases(res):
    """For a workload made of phases, per "-b auto" configuration, one line
    per phase: the phase's truth (the phase function timed as a whole,
    cumulative), the profile's cumulative time of the phase function, the
    error, the bound the profile reports, whether the truth lies within it
    (by the medians; then run by run, strictly and with the truth's own
    noise), and for comparison the error of the same timer's "-b 0"."""
    phases = res["workload"].get("phases")
    if not phases:
        return
    tm = res["truth_metrics"]
    auto = [c for c in res["configs"] if c.bias == "auto" and c.runs]
    print()
    print("   phases: the cumulative time of each phase function against the"
          " phase timed as a whole (its truth)")
    if not auto:
        print("   no -b auto runs: no corrected values, no bounds")
        return
    for c in auto:
        uncorrected = next((u for u in res["configs"]
                            if u.timer == c.timer and u.bias == "0" and u.runs), None)
        med = medians(c.runs)
        med0 = medians(uncorrected.runs) if uncorrected else {}
        pcov = c.phase_coverage or {}
        print("   %-22s %10s %10s %9s %22s  %-28s %10s"
              % (c.label, "truth", "corrected", "error", "bound",
                 "truth within the bound", "-b 0 error"))
        for p in phases:
            t = tm[("phase", p)]
            if ("phase", p) not in med:
                print("     %-20s %10s  not in the profile" % (p, fmt_time(t)))
                continue
            v = med[("phase", p)]
            if ("phasebound", p) in med:
                b = med[("phasebound", p)]
                bound = "±%s (±%.1f %%)" % (fmt_time(b), 100.0 * b / t)
                within = "%s, %d/%d runs (%d/%d +noise)" % (
                    "yes" if abs(v - t) <= b else "no",
                    pcov[p]["strict"], pcov[p]["runs"],
                    pcov[p]["noisy"], pcov[p]["runs"])
            else:
                bound, within = "no bound", ""
            err0 = (fmt_err(error_pct(med0[("phase", p)], t))
                    if ("phase", p) in med0 else "-")
            print("     %-20s %10s %10s %9s %22s  %-28s %10s"
                  % (p, fmt_time(t), fmt_time(v), fmt_err(error_pct(v, t)),
                     bound, within, err0))
    print("   (+noise: within the bound widened by the truth's own run-to-run"
          " noise, as for the functions)")


def write_csv(path, results, args):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["workload", "source", "timer", "bias", "metric", "function",
                      "truth", "measured", "error_pct", "runs", "spread_pct",
                      "negative_runs", "note"])
        for res in results:
            w, tm = res["workload"]["name"], res["truth_metrics"]
            for n, (per, calls) in res["truth"].items():
                out.writerow([w, "truth", "", "", "self_ns_per_call", n, per, per,
                              0, res["rounds"], spread(res["truth_runs"][n]), 0,
                              "calls=%d" % calls])
            for p, ns in res.get("phase_truth", {}).items():
                out.writerow([w, "truth", "", "", "phase_cum_s", p, ns * 1e-9, ns * 1e-9,
                              0, res["rounds"], spread(res["phase_runs"][p]), 0,
                              "noise_s=%g" % res["phase_noise"][p]])
            out.writerow([w, "uninstrumented", "", "", "elapsed_s", "",
                          res["plain_elapsed"], res["plain_elapsed"], 0,
                          res["rounds"], spread(res["plain_runs"]), 0,
                          "cpu_share=%.3f" % res["plain_cpu_share"]])
            out.writerow([w, "instrumented-unprofiled", "", "", "elapsed_s", "",
                          res["plain_elapsed"], res["instr_elapsed"],
                          error_pct(res["instr_elapsed"], res["plain_elapsed"]),
                          res["rounds"], spread(res["instr_runs"]), 0, ""])
            for c in res["configs"]:
                if not c.runs:
                    out.writerow([w, c.source, c.timer, c.bias, "", "", "", "", "",
                                  0, "", 0, c.unavailable or ""])
                    continue
                med = medians(c.runs)
                cov = getattr(c, "coverage", None)
                if cov:
                    for metric, value in (("coverage_pct", 100.0 * cov["strict"] / cov["pairs"]),
                                          ("coverage_with_truth_noise_pct",
                                           100.0 * cov["noisy"] / cov["pairs"]),
                                          ("median_bound_pct", cov["width"])):
                        out.writerow([w, c.source, c.timer, c.bias, metric, "", "", value, "",
                                      cov["pairs"], "", c.negative_runs, ""])
                for p, pc in (c.phase_coverage or {}).items():
                    for metric, value in (("phase_within_bound_runs", pc["strict"]),
                                          ("phase_within_bound_with_truth_noise_runs",
                                           pc["noisy"])):
                        out.writerow([w, c.source, c.timer, c.bias, metric, p, "", value, "",
                                      pc["runs"], "", c.negative_runs, ""])
                for k, v in sorted(med.items()):
                    metric = {"total": "total_s", "self": "self_s",
                              "share": "share_pct", "toplevel": "toplevel_cum_s",
                              "elapsed": "elapsed_s", "cpu_share": "cpu_share",
                              "bound": "self_bound_s", "topbound": "toplevel_cum_bound_s",
                              "phase": "phase_cum_s",
                              "phasebound": "phase_cum_bound_s"}[k[0]]
                    fn = k[1] if len(k) > 1 else ""
                    t = tm.get(k)
                    if k == ("share",):
                        err = v - t  # percentage points
                    elif t is not None:
                        err = error_pct(v, t)
                    else:
                        err = ""
                    out.writerow([w, c.source, c.timer, c.bias, metric, fn, t, v,
                                  err, len(c.runs),
                                  spread([r[k] for r in c.runs if k in r]),
                                  c.negative_runs, c.unavailable or ""])


def print_summary(results, args):
    """The headline: per timer, the figures that matter."""
    by = {r["workload"]["name"]: r for r in results}
    print()
    print("== summary: median error of the profile's total against the"
          " uninstrumented run; fill's share (truth in the header); fib's"
          " top-level cumulative time; four-phases' worst phase (cumulative)")
    heads = []
    for name in ("coarse", "medium", "fill-sort", "fib", "four-phases"):
        if name not in by:
            continue
        if name == "fill-sort":
            heads.append((name, ("share",), "fill share (%.1f %%)"
                          % by[name]["truth_metrics"][("share",)]))
        elif name == "fib":
            heads.append((name, ("toplevel",), "fib cum"))
        else:
            heads.append((name, ("total",), name + " total"))
        if name in ("coarse", "medium"):
            heads.append((name, "worst", name + " worst fn"))
        if name == "four-phases":
            heads.append((name, "worstphase", "worst phase"))
    widths = [max(len(h[2]), 10) for h in heads]
    print("   %-22s" % "" + "".join("  %*s" % (wd, h[2]) for h, wd in zip(heads, widths)))
    labels = []
    for r in results:
        for c in r["configs"]:
            if c.label not in labels:
                labels.append(c.label)
    for label in labels:
        cells = []
        for (name, key, _h), wd in zip(heads, widths):
            c = next((c for c in by[name]["configs"] if c.label == label), None)
            tm = by[name]["truth_metrics"]
            if c is None or not c.runs:
                text = "n/a" if c is None or c.bias != "auto" else "not avail."
            else:
                med = medians(c.runs)
                if key in ("worst", "worstphase"):
                    kind = "self" if key == "worst" else "phase"
                    errs = [error_pct(med[k], tm[k]) for k in med if k[0] == kind]
                    text = fmt_err(max(errs, key=abs)) if errs else "n/a"
                else:
                    text = cell(key, med[key], tm[key])
            cells.append("  %*s" % (wd, text))
        print("   %-22s" % label + "".join(cells))


# Issue 14's targets for the default timer, checked against what identical
# runs do: (workload, figure, limit, unit). "worst" is the function whose
# median error is largest in size.
TARGETS = [("medium", "worst", 3.0, "%"), ("fill-sort", ("share",), 5.0, "points"),
           ("fib", ("toplevel",), 25.0, "%")]


def run_errors(c, tm, key):
    """Each run's figure for KEY, as an error against the truth (fill's
    share: the difference in points; "worst": the function whose median
    error is largest in size)."""
    if key == "worst":
        med = medians(c.runs)
        errs = {k: error_pct(med[k], tm[k]) for k in med if k[0] == "self"}
        if not errs:
            return [], None
        key = max(errs, key=lambda k: abs(errs[k]))
    if key == ("share",):
        return [r[key] - tm[key] for r in c.runs if key in r], key
    return [error_pct(r[key], tm[key]) for r in c.runs if key in r], key


def print_floor(results):
    """Issue 14's accuracy targets, and what the runs themselves allow: the
    same configuration's runs differ from each other, and a correction
    that is the same in every run (a bias) moves them all alike. It can
    bring every run within half their range of the truth at best; where
    that is more than the target, no bias meets it on this machine now."""
    by = {r["workload"]["name"]: r for r in results}
    rows = []
    for name, key, limit, unit in TARGETS:
        if name not in by:
            continue
        tm = by[name]["truth_metrics"]
        for c in by[name]["configs"]:
            if c.bias != "auto" or not c.runs:
                continue
            errs, which = run_errors(c, tm, key)
            if errs:
                rows.append((name, which, limit, unit, c.label, errs))
    if not rows:
        return
    print()
    print("== identical runs: each target's figure in every run of the same configuration."
          " A bias moves all runs alike, so half their range is the closest it can bring"
          " every run to the truth")
    print("   %-28s %-22s %10s %10s %10s %12s  %s" % ("figure", "", "median", "lowest", "highest",
                                                       "half range", "target"))
    for name, which, limit, unit, label, errs in rows:
        what = "%s %s" % (name, "fill share" if which == ("share",) else
                          "fib cum" if which == ("toplevel",) else which[1])
        sign = " pt" if unit == "points" else " %"
        half = (max(errs) - min(errs)) / 2
        met = abs(statistics.median(errs)) <= limit
        verdict = "±%g%s: %s" % (limit, sign, "met" if met else "not met")
        if half > limit:
            verdict += "; runs alone differ by more"
        print("   %-28s %-22s %+9.1f%s %+9.1f%s %+9.1f%s %10.1f%s  %s"
              % (what, label, statistics.median(errs), sign, min(errs), sign, max(errs), sign,
                 half, sign, verdict))


def print_coverage(results):
    """Issue 14's figure: per workload and timer, the share of (function,
    run) pairs whose uninstrumented truth lies within the bound the profile
    reports (strictly; and allowing for the truth's own run-to-run noise),
    and the median width of the bounds."""
    rows = []
    for r in results:
        for c in r["configs"]:
            cov = getattr(c, "coverage", None)
            if cov:
                rows.append((r["workload"]["name"], c.label, cov))
    if not rows:
        return
    print()
    print("== coverage: (function, run) pairs whose truth lies within the reported bound;"
          " the median bound, in % of the truth")
    print("   %-10s %-22s %6s %8s %14s %13s" % ("workload", "", "pairs", "covered",
                                              "+truth noise", "median bound"))
    for name, label, cov in rows:
        print("   %-10s %-22s %6d %8s %14s %12s" % (name, label, cov["pairs"], fmt_coverage(cov),
                                                  fmt_coverage(cov, "noisy"),
                                                  "±%.1f %%" % cov["width"]))
    totals = {}
    for _name, label, cov in rows:
        t = totals.setdefault(label, [0, 0, 0])
        t[0] += cov["pairs"]
        t[1] += cov["strict"]
        t[2] += cov["noisy"]
    for label, (pairs, strict, noisy) in totals.items():
        print("   %-10s %-22s %6d %7.0f %% %12.0f %%" % ("all", label, pairs, 100.0 * strict / pairs,
                                                       100.0 * noisy / pairs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("builddir", help="the configured build tree (holds src/detprof)")
    ap.add_argument("--runs", type=int, default=None,
                    help="runs of each configuration; the median is kept (default 5)")
    ap.add_argument("--timers", default=None,
                    help="comma-separated timers (default: all: %s)" % ",".join(TIMERS))
    ap.add_argument("--workloads", default=None,
                    help="comma-separated workloads (default: all: %s)"
                    % ",".join(w["name"] for w in WORKLOADS))
    ap.add_argument("--csv", default=None, help="also write every figure to this CSV file")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop repeating a configuration once its runs took this long"
                    " (default 4; slow timers on fib then get fewer runs)")
    ap.add_argument("--run-timeout", type=float, default=RUN_TIMEOUT,
                    help="give up on a run after this many seconds (default %d)"
                    % RUN_TIMEOUT)
    ap.add_argument("--calibration-timeout", type=float, default=None,
                    help="give up on a timer's first -b auto (which calibrates when"
                    " nothing is stored) after this many seconds (default 30;"
                    " 20 with --quick); detprof-calibrate --all beforehand"
                    " stores every timer's bias")
    ap.add_argument("--detprof", default=None,
                    help="the runner to use (default: BUILDDIR/src/detprof)")
    ap.add_argument("--no-peers", dest="peers", action="store_false",
                    help="leave out uftrace and gprof")
    ap.add_argument("--quick", action="store_true",
                    help="3 runs, timers tsc-fenced (the default) and tsc, at most 2 s per"
                    " configuration")
    args = ap.parse_args()

    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.timers is None:
        args.timers = "tsc-fenced,tsc" if args.quick else ",".join(TIMERS)
    if args.max_seconds is None:
        args.max_seconds = 2.0 if args.quick else 4.0
    if args.calibration_timeout is None:
        args.calibration_timeout = 20.0 if args.quick else 30.0
    set_run_timeout(args.run_timeout)
    args.timers = [t for t in args.timers.split(",") if t]
    wanted = args.workloads.split(",") if args.workloads else [w["name"] for w in WORKLOADS]
    unknown = set(wanted) - {w["name"] for w in WORKLOADS}
    if unknown or args.runs < 1:
        ap.error("unknown workload %s" % ", ".join(sorted(unknown)) if unknown
                 else "--runs must be at least 1")

    top = os.path.abspath(args.builddir)
    paths = {"detprof": os.path.abspath(args.detprof) if args.detprof
             else os.path.join(top, "src", "detprof")}
    for w in WORKLOADS:
        for variant in ("plain", "instrumented", "gprof"):
            key = "%s-%s" % (w["name"], variant)
            paths[key] = os.path.join(top, "bench", "accuracy", key)
    missing = [p for p in paths.values() if not os.access(p, os.X_OK)]
    if missing:
        sys.exit("run-accuracy: not built: %s (run make in %s)" % (", ".join(missing), top))

    env = dict(os.environ)
    env.setdefault("DEBUGINFOD_URLS", "")  # libdw must not go to the network

    print("detprof accuracy benchmark: %s; %d runs each, median kept; timers %s"
          % (paths["detprof"], args.runs, ", ".join(args.timers)))
    print("errors are signed: (profile - truth) / truth; fill share is the"
          " profile's own figure; (N) after a label: fewer runs (--max-seconds);"
          " ! negative times seen; ~ busy machine (the run got < %.0f %% of a CPU)"
          % (100 * BUSY_CPU_SHARE))
    if args.peers:
        for tool in ("uftrace", "gprof"):
            if not shutil.which(tool):
                print("%s: not installed, skipped" % tool)
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="detprof-accuracy-") as tmp:
        warm = warm_up_auto(paths["detprof"], args.timers, paths["fill-sort-instrumented"],
                            tmp, env, args.calibration_timeout)
        print("first -b auto per timer (calibrates and stores the bias when"
              " none is stored; not timed):")
        print("   " + "; ".join(
            "%s %.1f s%s" % (t, warm[t][0], " (%s)" % warm[t][1] if warm[t][1] else "")
            for t in args.timers if t in warm))
        for w in WORKLOADS:
            if w["name"] not in wanted:
                continue
            try:
                res = bench_workload(w, args, paths, env, tmp, warm)
            except Unavailable as e:
                print()
                print("== %s: skipped: %s" % (w["name"], e))
                continue
            results.append(res)
            print_workload(res)
            sys.stdout.flush()
    print_summary(results, args)
    print_coverage(results)
    print_floor(results)
    if args.csv:
        write_csv(args.csv, results, args)
        print()
        print("Written: %s" % args.csv)
    print("(%.0f s)" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
