# demo-claims.sh: what the demonstrations say, checked against what they
# just measured. Sourced by examples/demo.sh; tests/test-demos.c runs each
# claim on numbers of its own choosing and checks the exact sentence.
#
# Each claim_* function takes the numbers a demo measured (times in
# nanoseconds unless it says otherwise), prints one sentence, and returns
# 0 if the numbers show what the demo set out to show, 1 if they do not.
# Then the sentence says so plainly, with the numbers, and gives the likely
# reason. A claim never asserts a result that the numbers did not show.
#
# The functions with variables of their own run in a subshell, ( ... )
# rather than { ... }, so that their variables stay theirs (plain sh has
# no "local"); "exit" there leaves the function, not the script.
#
# The usual reason is a busy machine: DEMO_LOAD (the 1-minute load
# average), DEMO_CPUS (the number of processors) and DEMO_SHARE (the
# percent of a processor a program got just before the claim) say how
# busy this one is: busy when other work could fill every processor, or
# a program gets less than BUSY_SHARE % of one, and each claim also gets SPREAD, how far apart (in percent) the
# repeated runs behind its numbers came out.

# What the demos' words mean, in numbers.
CLOSE=1.5    # "close", and "about the same": within a factor of 1.5, either way
SEVERAL=2    # "several times": at least twice
AGREE=10     # repeated runs "agree": within 10 % of each other
FREE=5       # "looks free": under 5 % of the truth
SETTLED=10   # estimates have "settled": their spread is within 10 % of their median
BUSY_SHARE=90  # a "busy" machine gives a program less than 90 % of a processor

# tolerances: the words above, for the start of the demo.
tolerances ()
{
  printf 'What the demos mean by their words: "close" to the truth, and two times "about the same", are within a factor of %s of each other, either way; "several times" is at least x%s; repeated runs "agree" within %s %%; a function "looks free" under %s %% of its truth; estimates have "settled" when they spread over at most %s %% of their median.\n' \
    "$CLOSE" "$SEVERAL" "$AGREE" "$FREE" "$SETTLED"
}

# ---- arithmetic, in awk ----

# is CONDITION NAME=VALUE...: whether awk finds CONDITION true of the values.
is ()
(
  condition=$1
  shift
  for assignment do
    set -- "$@" -v "$assignment"
    shift
  done
  awk "$@" "BEGIN { exit !($condition) }"
)

# calc FORMAT EXPRESSION NAME=VALUE...: prints EXPRESSION of the values.
calc ()
(
  format=$1 expression=$2
  shift 2
  for assignment do
    set -- "$@" -v "$assignment"
    shift
  done
  awk "$@" "BEGIN { printf \"$format\", ($expression) }"
)

# t NS: a time in a readable unit.
t ()
{
  awk -v ns="$1" 'BEGIN {
    a = ns < 0 ? -ns : ns
    if (a >= 1e6) printf "%.2f ms", ns / 1e6
    else if (a >= 1e3) printf "%.1f us", ns / 1e3
    else printf "%.1f ns", ns }'
}

# x VALUE TRUTH: how many times the truth.
x () { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "x%.2f", a / b }'; }

# names LIST: "tiny overhead_run" as "tiny (), overhead_run ()".
names ()
{
  printf '%s\n' "$1" | awk '{ for (i = 1; i <= NF; i++) printf "%s%s ()", (i > 1 ? ", " : ""), $i }'
}

# ---- how busy the machine was ----

# busy_now: whether the machine is busy: its load fills every processor,
# or a program gets less than BUSY_SHARE % of one.
busy_now ()
{
  is 'load >= cpus || share < busy' load="${DEMO_LOAD:-0}" cpus="${DEMO_CPUS:-1}" \
    share="${DEMO_SHARE:-100}" busy="$BUSY_SHARE"
}

# how_busy: the figures that say so, for a sentence.
how_busy ()
{
  if is 'share < busy' share="${DEMO_SHARE:-100}" busy="$BUSY_SHARE"; then
    printf 'a program here got %s %% of a processor; load %s on %s processors' \
      "$DEMO_SHARE" "$DEMO_LOAD" "$DEMO_CPUS"
  else
    printf 'load %s on %s processors' "$DEMO_LOAD" "$DEMO_CPUS"
  fi
}

# load_note: the machine, at the start of the demo.
load_note ()
{
  if busy_now; then
    printf 'This machine is busy (%s). Its numbers will be blurred, and each demo says so when they do not show its point.\n' \
      "$(how_busy)"
  else
    printf 'This machine: %s processors, load %s over the last minute, %s %% of a processor for a program now: not busy.\n' \
      "$DEMO_CPUS" "$DEMO_LOAD" "${DEMO_SHARE:-100}"
  fi
}

# why SPREAD DEFAULT: the likely reason a claim did not show: a busy
# machine, when busy_now or the disagreement of repeated runs (more than
# AGREE %, in whole percent as printed) says so; else DEFAULT.
why ()
(
  spread=${1:-0} default=$2 busy_load=no busy_runs=no

  percent=$(calc %.0f s s="$spread")
  if busy_now; then
    busy_load=yes
  fi
  if is 'percent > agree' percent="$percent" agree="$AGREE"; then
    busy_runs=yes
  fi
  case $busy_load,$busy_runs in
    yes,yes) printf 'this machine was busy (%s), and the repeated runs differed by up to %s %%' \
               "$(how_busy)" "$percent" ;;
    yes,no) printf 'this machine was busy (%s)' "$(how_busy)" ;;
    no,yes) printf 'this machine was busy at times: the repeated runs differed by up to %s %%' "$percent" ;;
    *) printf '%s' "$default" ;;
  esac
)

# ---- demo 1: accumulated overhead ----

# claim_overhead_uncorrected TINY_TRUTH BIG_TRUTH TINY BIG SPREAD: with
# -b 0, tiny () (TINY) looks dearer than big () (BIG), the other way round
# from the truth.
claim_overhead_uncorrected ()
(
  tiny_truth=$1 big_truth=$2 tiny=$3 big=$4 spread=$5

  if ! is 'big > tiny' big="$big_truth" tiny="$tiny_truth"; then
    printf 'The truth itself has tiny () (%s) no cheaper than big () (%s) in this run, so there is no wrong order to show. Likely reason: %s.\n' \
      "$(t "$tiny_truth")" "$(t "$big_truth")" "$(why "$spread" "the timing of the truth was off in this run")"
    exit 1
  fi
  if is 'tiny > big' tiny="$tiny" big="$big"; then
    printf 'Uncorrected, tiny () looks %s its truth (%s) and dearer than big () (%s), which really costs %s as much as tiny (): sorted by tottime, the profile sends you to the wrong function.\n' \
      "$(x "$tiny" "$tiny_truth")" "$(t "$tiny")" "$(t "$big")" "$(x "$big_truth" "$tiny_truth")"
    exit 0
  fi
  printf 'Uncorrected, tiny () looks %s its truth (%s) but still cheaper than big () (%s): this run did not show the profile sending you to the wrong function. Likely reason: %s.\n' \
    "$(x "$tiny" "$tiny_truth")" "$(t "$tiny")" "$(t "$big")" \
    "$(why "$spread" "an event costs the profiler too little here to outweigh big ()'s work")"
  exit 1
)

# claim_overhead_corrected TINY_TRUTH BIG_TRUTH TINY BIG BIAS_NS SPREAD:
# with -b auto, tiny () (TINY) comes out cheaper than big () (BIG) again.
claim_overhead_corrected ()
(
  tiny_truth=$1 big_truth=$2 tiny=$3 big=$4 bias=$5 spread=$6

  if is 'tiny < big' tiny="$tiny" big="$big"; then
    printf -- '-b auto takes off the calibrated cost of each event (%s here, on average): tiny () comes down to %s (%s its truth) and big () to %s (%s), and the order is right again.\n' \
      "$(t "$bias")" "$(t "$tiny")" "$(x "$tiny" "$tiny_truth")" "$(t "$big")" "$(x "$big" "$big_truth")"
    exit 0
  fi
  printf -- '-b auto takes off the calibrated cost of each event (%s here, on average), but tiny () still measures %s (%s its truth), more than big () (%s, %s): the order is not right again in this run. Likely reason: %s.\n' \
    "$(t "$bias")" "$(t "$tiny")" "$(x "$tiny" "$tiny_truth")" "$(t "$big")" "$(x "$big" "$big_truth")" \
    "$(why "$spread" "each event cost more here than the calibration measured on empty functions")"
  exit 1
)

# ---- demo 2: timer resolution ----

# claim_resolution TICK TRUTH SPREAD N MEAN [N MEAN]...: the ticks a run of
# N calls straddles add up to the time that passed, give or take one, so
# each coarse MEAN per call is within TICK / N of the TRUTH per call, plus
# the AGREE % by which separate runs differ; and so the mean converges.
claim_resolution ()
(
  tick=$1 truth=$2 spread=$3 last_n='' last_mean=''
  shift 3

  while [ $# -ge 2 ]; do
    n=$1 mean=$2
    shift 2
    if ! is '(mean > truth ? mean - truth : truth - mean) <= tick / n + truth * agree / 100' \
         mean="$mean" truth="$truth" tick="$tick" n="$n" agree="$AGREE"; then
      printf 'At %s calls the coarse mean (%s) is further from the truth (%s) than a tick over the calls (%s) plus %s %% of the truth for the difference between runs: this run did not show the bound. Likely reason: %s.\n' \
        "$n" "$(t "$mean")" "$(t "$truth")" "$(t "$(calc %.1f 'tick / n' tick="$tick" n="$n")")" "$AGREE" \
        "$(why "$spread" "the profiled runs did not take the truth's time per call (the last column shows by how much)")"
      exit 1
    fi
    last_n=$n last_mean=$mean
  done
  printf 'At every number of calls the coarse mean is within a tick over the calls (%s / n) plus %s %% of the truth for the difference between runs: it converges, but only once the calls add up to many ticks (%s at %s calls).\n' \
    "$(t "$tick")" "$AGREE" "$(x "$last_mean" "$truth")" "$last_n"
  exit 0
)

# ---- demo 3: a bias too large ----

# report_negative REPORT: the functions to which detprof's printed REPORT
# gives a negative tottime ("-0.000" included), in its order.
report_negative ()
{
  printf '%s\n' "$1" | awk 'NF == 6 && $NF ~ /\)$/ && $2 ~ /^-/ {
    name = $NF; sub(/.*\(/, "", name); sub(/\)$/, "", name)
    printf "%s%s", sep, name; sep = " " }
    END { printf "\n" }'
}

# report_total REPORT: the total time of REPORT, in seconds as printed
# ("N function calls [(M primitive calls)] in T seconds").
report_total ()
{
  printf '%s\n' "$1" | awk '/ function calls / {
    for (i = 1; i < NF; i++) if ($i == "in") { print $(i + 1); exit } }'
}

# report_warned REPORT: the functions that REPORT's warning about negative
# times names.
report_warned ()
{
  printf '%s\n' "$1" \
    | sed -n 's/^detprof: warning: negative times in [0-9]* functions\{0,1\} (\([^)]*\)).*/\1/p' \
    | tr -d ,
}

# claim_too_large_negative NEGATIVE TOTAL SPREAD: NEGATIVE lists the
# functions whose tottime came out negative, TOTAL is the report's total
# time in seconds, as printed. With three times the calibrated bias, the
# functions with the most events, tiny () and overhead_run (), go negative,
# and so does the total.
claim_too_large_negative ()
(
  negative=$1 total=$2 spread=$3

  case " $negative " in
    *" tiny "*)
      case " $negative " in
        *" overhead_run "*)
          if is 'total < 0' total="$total"; then
            printf 'With three times the calibrated bias, each event takes off more than it cost: tiny () and the loop in overhead_run (), which make the most events, came out negative, and so did the total (%s s).\n' \
              "$total"
            exit 0
          fi ;;
      esac ;;
  esac
  printf 'Three times the calibrated bias should take off more than each event cost, but this run did not show tiny (), the loop in overhead_run () and the total all going negative (negative: %s; total %s s). Likely reason: %s.\n' \
    "$(if [ -n "$negative" ]; then names "$negative"; else printf none; fi)" "$total" \
    "$(why "$spread" "each event really cost more here than three times the calibrated bias")"
  exit 1
)

# claim_too_large_warned NEGATIVE WARNED: detprof names, in its warning
# after the table, every function it printed with a negative time.
# NEGATIVE lists those functions, WARNED the ones the warning names.
claim_too_large_warned ()
(
  negative=$1 warned=$2 unnamed=

  if [ -z "$negative" ]; then
    printf 'With no negative time in the table, this run did not show detprof'"'"'s warning.\n'
    exit 1
  fi
  for name in $negative; do
    case " $warned " in
      *" $name "*) ;;
      *) unnamed="$unnamed${unnamed:+ }$name" ;;
    esac
  done
  if [ -z "$unnamed" ]; then
    printf 'detprof prints the times as computed, and its warning after the table names each function that went negative (%s): the bias took off more than their overhead.\n' \
      "$(names "$negative")"
    exit 0
  fi
  printf 'detprof printed a negative time for %s without naming it in its warning after the table: that is a bug in detprof; please report it.\n' \
    "$(names "$unnamed")"
  exit 1
)

# ---- demo 4: uninstrumented code looks free ----

# claim_library_truth BY_HAND WITH_LIBRARY SPREAD: without a profiler, the
# same loop costs about the same in our code and in the library.
claim_library_truth ()
(
  by_hand=$1 with_library=$2 spread=$3

  if is 'a <= factor * b && b <= factor * a' a="$by_hand" b="$with_library" factor="$CLOSE"; then
    printf 'Without a profiler, the two take about the same time (%s and %s: within a factor of %s).\n' \
      "$(t "$by_hand")" "$(t "$with_library")" "$CLOSE"
    exit 0
  fi
  printf 'Without a profiler the two should take about the same time, but this run timed %s and %s, more than a factor of %s apart. Likely reason: %s.\n' \
    "$(t "$by_hand")" "$(t "$with_library")" "$CLOSE" \
    "$(why "$spread" "the processor ran the two copies of the loop at different speeds")"
  exit 1
)

# claim_library_uncorrected BY_HAND WITH_LIBRARY SPREAD: with -b 0, our code
# (BY_HAND) looks several times dearer than the library (WITH_LIBRARY).
claim_library_uncorrected ()
(
  by_hand=$1 with_library=$2 spread=$3

  if is 'a >= several * b' a="$by_hand" b="$with_library" several="$SEVERAL"; then
    printf 'Uncorrected, the same work looks several times dearer in our code than in the library: %s (%s against %s; several: at least x%s).\n' \
      "$(x "$by_hand" "$with_library")" "$(t "$by_hand")" "$(t "$with_library")" "$SEVERAL"
    exit 0
  fi
  printf 'Uncorrected, our code looks only %s the library (%s against %s), not the several times (at least x%s) this demo is about. Likely reason: %s.\n' \
    "$(x "$by_hand" "$with_library")" "$(t "$by_hand")" "$(t "$with_library")" "$SEVERAL" \
    "$(why "$spread" "an event costs the profiler little here next to square ()'s work")"
  exit 1
)

# claim_library_corrected TRUTH BY_HAND SPREAD: with -b auto, by_hand ()'s
# cumulative time comes close to its TRUTH.
claim_library_corrected ()
(
  truth=$1 by_hand=$2 spread=$3

  if is 'a <= factor * b && b <= factor * a' a="$by_hand" b="$truth" factor="$CLOSE"; then
    if is 'a < b' a="$by_hand" b="$truth"; then
      side='under it: the bias was measured on empty functions, and here the processor runs part of the profiler'"'"'s work alongside the loop'"'"'s (see demo 6)'
    else
      side='over it: an event next to square ()'"'"'s loop cost more than the bias measured on empty functions'
    fi
    printf 'Corrected, by_hand () comes close: %s, %s its truth (close: within a factor of %s either way), %s.\n' \
      "$(t "$by_hand")" "$(x "$by_hand" "$truth")" "$CLOSE" "$side"
    exit 0
  fi
  if is 'a < b' a="$by_hand" b="$truth"; then
    side="an event next to square ()'s loop costs less than the bias measured on empty functions (demo 6)"
  else
    side="an event next to square ()'s loop costs more than the bias measured on empty functions (demo 6)"
  fi
  printf 'Corrected, by_hand () measures %s, %s its truth (%s): not close, by this demo'"'"'s measure (within a factor of %s either way). Likely reason: %s.\n' \
    "$(t "$by_hand")" "$(x "$by_hand" "$truth")" "$(t "$truth")" "$CLOSE" "$(why "$spread" "$side")"
  exit 1
)

# ---- demo 5: CPU time against wall-clock time ----

# claim_waiting_cpu WALL_TRUTH CPU SPREAD: under a CPU-time timer,
# wait_for_disk () (CPU, corrected) looks free next to the WALL_TRUTH of
# its waiting.
claim_waiting_cpu ()
(
  truth=$1 cpu=$2 spread=$3

  percent=$(calc %.1f 'cpu / truth * 100' cpu="$cpu" truth="$truth")
  if is 'cpu < truth * free / 100' cpu="$cpu" truth="$truth" free="$FREE"; then
    printf 'Under -t cpu, wait_for_disk () measures %s, %s %% of the %s it waited (free: under %s %%): a CPU-time clock (cpu, thread-cpu, rusage, times) stops while the process sleeps.\n' \
      "$(t "$cpu")" "$percent" "$(t "$truth")" "$FREE"
    exit 0
  fi
  printf 'Under -t cpu, wait_for_disk () measures %s, %s %% of the %s it waited: more than the %s %% this demo calls free. Likely reason: %s.\n' \
    "$(t "$cpu")" "$percent" "$(t "$truth")" "$FREE" \
    "$(why "$spread" "waking up from its sleeps cost the process CPU time of its own")"
  exit 1
)

# claim_waiting_wall WALL_TRUTH WALL SPREAD: under a wall-clock timer,
# wait_for_disk () (WALL, corrected) is charged its waiting.
claim_waiting_wall ()
(
  truth=$1 wall=$2 spread=$3

  if is 'a <= factor * b && b <= factor * a' a="$wall" b="$truth" factor="$CLOSE"; then
    printf 'Under -t wall, it measures %s, %s its wall-clock truth: a wall clock (tsc, wall, coarse) charges the wait, which is what the user waited.\n' \
      "$(t "$wall")" "$(x "$wall" "$truth")"
    exit 0
  fi
  printf 'Under -t wall, wait_for_disk () measures %s, %s its wall-clock truth: not close (within a factor of %s either way). Likely reason: %s.\n' \
    "$(t "$wall")" "$(x "$wall" "$truth")" "$CLOSE" \
    "$(why "$spread" "its sleeps lasted longer under the profiler than without it")"
  exit 1
)

# claim_waiting_bias BIAS_NS EVENTS WORK DIFFERENCE TRUTH WHERE SPREAD: the
# bias hardly matters: EVENTS events of BIAS_NS take off little of WORK,
# and the -b 0 and -b auto columns differ by no more than that and the
# AGREE % by which runs differ. DIFFERENCE is the largest gap between the
# two columns, WHERE says where it is, TRUTH is that function's truth.
claim_waiting_bias ()
(
  bias=$1 events=$2 work=$3 difference=$4 truth=$5 where=$6 spread=$7

  taken=$(calc %.1f 'events * bias' events="$events" bias="$bias")
  if is 'd <= taken + truth * agree / 100' d="$difference" taken="$taken" truth="$truth" agree="$AGREE"; then
    printf 'The bias hardly matters here: %s events of %s take off %s of %s, and the -b 0 and -b auto columns agree within that and %s %%.\n' \
      "$events" "$(t "$bias")" "$(t "$taken")" "$(t "$work")" "$AGREE"
    exit 0
  fi
  printf 'The bias hardly matters here (%s events of %s take off %s of %s), yet the -b 0 and -b auto columns differ by up to %s (%s): more than %s %% of its truth, and not the bias'"'"'s doing. Likely reason: %s.\n' \
    "$events" "$(t "$bias")" "$(t "$taken")" "$(t "$work")" "$(t "$difference")" "$where" "$AGREE" \
    "$(why "$spread" "separate runs of the same program took different times")"
  exit 1
)

# ---- demo 6: calibration spread ----

# claim_spread N_FEW SPREAD_FEW MEDIAN_FEW N_MANY SPREAD_MANY MEDIAN_MANY:
# profile.py's calibrate(n) disagrees with itself for few calls and
# settles for many. SPREAD_* is the largest estimate less the smallest.
claim_spread ()
(
  few=$1 spread_few=$2 median_few=$3 many=$4 spread_many=$5 median_many=$6

  percent_few=$(calc %.0f 's / (m > 0 ? m : -m) * 100' s="$spread_few" m="$median_few")
  percent_many=$(calc %.1f 's / (m > 0 ? m : -m) * 100' s="$spread_many" m="$median_many")
  if ! is 'm != 0 && s <= settled / 100 * (m > 0 ? m : -m)' s="$spread_many" m="$median_many" settled="$SETTLED"; then
    printf 'With %s calls the estimates spread over %s, %s %% of their median, and with %s still over %s, %s %%: this run did not show them settling (within %s %%). Likely reason: %s.\n' \
      "$few" "$(t "$spread_few")" "$percent_few" "$many" "$(t "$spread_many")" "$percent_many" "$SETTLED" \
      "$(why 0 "something interrupted one of the long runs, and one interruption is enough")"
    exit 1
  fi
  if is 'm != 0 && s <= settled / 100 * (m > 0 ? m : -m)' s="$spread_few" m="$median_few" settled="$SETTLED"; then
    printf 'With %s calls the estimates already agree within %s %% of their median, and with %s within %s %%: this machine timed even the short workload steadily, so this run did not show the spread at few calls.\n' \
      "$few" "$percent_few" "$many" "$percent_many"
    exit 1
  fi
  printf 'With %s calls the estimates spread over %s, %s %% of their median; with %s they settle, within %s %% (settled: within %s %%).\n' \
    "$few" "$(t "$spread_few")" "$percent_few" "$many" "$percent_many" "$SETTLED"
  exit 0
)

# ---- demo 7: cumulative time through paths ----

# activations_sum NCALLS TOTTIME CUMTIME: what a recursive function's
# cumtime would be if it added every activation's cumulative time, from
# its pstats numbers, when every level of the recursion does the same work
# (demo 7's descend ()): NCALLS "nc/cc" is cc top-level calls nc / cc = D
# deep; the activation j levels down lacks the j levels above it, each of
# TOTTIME / nc, so the sum is D * CUMTIME - (D - 1) / 2 * TOTTIME.
activations_sum ()
(
  nc=${1%/*} cc=${1#*/} tottime=$2 cumtime=$3

  calc %.1f 'cc > 0 ? (nc / cc) * ct - (nc / cc - 1) / 2 * tt : ct' nc="$nc" cc="$cc" tt="$tottime" ct="$cumtime"
)

# claim_paths_cumtime FUNCTION TRUTH NCALLS TOTTIME CUMTIME SPREAD: the
# recursive FUNCTION's cumtime (CUMTIME, corrected; NCALLS as pstats
# prints it, "nc/cc") counts its outermost activations only: it is close
# to the TRUTH of its cc top-level calls, timed without a profiler, and the
# sum over every activation (activations_sum) would not be.
claim_paths_cumtime ()
(
  fn=$1 truth=$2 ncalls=$3 tottime=$4 cumtime=$5 spread=$6
  nc=${ncalls%/*} cc=${ncalls#*/}

  depth=$(calc %.0f 'cc > 0 ? nc / cc : 1' nc="$nc" cc="$cc")
  sum=$(activations_sum "$ncalls" "$tottime" "$cumtime")
  if ! is 'a <= factor * b && b <= factor * a' a="$cumtime" b="$truth" factor="$CLOSE"; then
    printf '%s ()'"'"'s cumtime, %s, should count its %s outermost activations only, and so come close to the %s its top-level calls took without a profiler, but it is %s that: not close (within a factor of %s either way). Likely reason: %s.\n' \
      "$fn" "$(t "$cumtime")" "$cc" "$(t "$truth")" "$(x "$cumtime" "$truth")" "$CLOSE" \
      "$(why "$spread" "the profiled runs did not take the truth's time")"
    exit 1
  fi
  if ! is 's > factor * b' s="$sum" b="$truth" factor="$CLOSE"; then
    printf '%s ()'"'"'s cumtime, %s, is close to the %s its %s top-level calls took without a profiler (%s), but so would be the sum over its %s activations (%s, %s): only %s deep, this run cannot tell the two apart.\n' \
      "$fn" "$(t "$cumtime")" "$(t "$truth")" "$cc" "$(x "$cumtime" "$truth")" "$nc" "$(t "$sum")" \
      "$(x "$sum" "$truth")" "$depth"
    exit 1
  fi
  printf '%s () was entered %s times, %s of them from outside (%s: %s deep). Its cumtime, %s, counts those %s outermost activations only: %s the %s its top-level calls took without a profiler (close: within a factor of %s either way). Added over all %s activations, each level doing the same work, it would be %s, %s the truth, about (%s + 1) / 2 times: each level counted again inside every activation above it.\n' \
    "$fn" "$nc" "$cc" "$ncalls" "$depth" "$(t "$cumtime")" "$cc" "$(x "$cumtime" "$truth")" "$(t "$truth")" \
    "$CLOSE" "$nc" "$(t "$sum")" "$(x "$sum" "$truth")" "$depth"
  exit 0
)

# claim_paths_folded FUNCTION DEPTH FOLDED: the folded stacks FOLDED
# (detprof-stats --format folded) have one line per path, and the
# recursive FUNCTION, DEPTH deep, appears at most once on any of them:
# recursion folds into the outermost activation's node.
claim_paths_folded ()
(
  fn=$1 depth=$2 folded=$3

  # Per line: how many of its frames are FUNCTION ("name", or
  # "name [file:line]" when two functions share the name).
  counts=$(printf '%s\n' "$folded" | awk -v fn="$fn" 'NF {
    path = $0; sub(/ [0-9]+$/, "", path)
    n = split(path, frames, ";"); k = 0
    for (i = 1; i <= n; i++) if (frames[i] == fn || index(frames[i], fn " [") == 1) k++
    print k }')
  lines=$(printf '%s\n' "$counts" | awk 'NF { n++ } END { print n + 0 }')
  on=$(printf '%s\n' "$counts" | awk '$1 > 0 { n++ } END { print n + 0 }')
  most=$(printf '%s\n' "$counts" | awk '$1 > m { m = $1 } END { print m + 0 }')
  if [ "$on" -eq 0 ]; then
    printf 'No line of the folded stacks names %s (): its self time rounded to 0 us on every path, so this run cannot show how its recursion folds.\n' \
      "$fn"
    exit 1
  fi
  if [ "$most" -gt 1 ]; then
    printf 'A line of the folded stacks names %s () %s times: its recursion did not fold into the outermost activation'"'"'s node. That is a bug in detprof; please report it.\n' \
      "$fn" "$most"
    exit 1
  fi
  printf 'The folded stacks have one line per path, %s lines in all, and %s () is on %s of them, once on each, though it went %s deep: a recursive call is placed at the node of the outermost activation, so the flame graph draws %s () as one box on each path, not a tower of %s.\n' \
    "$lines" "$fn" "$on" "$depth" "$fn" "$depth"
  exit 0
)
