# tests/real/check.sh: real_check PROGRAM, the TAP test of one real program.
# Sourced by bash after common.sh and programs.sh (see lua.test).
#
# Fetches, prepares and builds PROGRAM (common.sh), runs its workload with
# the plain build, with each instrumented build under detprof, and with the
# oracle build under callgrind, and checks, for each instrumented build:
#
#   1. its exit status and stdout are the plain build's (detprof writes its
#      dump with -o, so stdout is the program's alone);
#   2. its call counts and caller -> callee arcs are callgrind's, and the
#      other builds' (compare.py: "arcs exact: N of M", "calls exact: N of M");
#   3. no frame was abandoned: abandoned-frames, unmatched-returns and
#      dropped-events are 0, and frames are left only by longjmp, and only in
#      a program that long-jumps;
#   4. Python's pstats opens the dump.
#
# detprof runs with -b 0: counts do not depend on the bias, and calibrating
# first would only cost time. DETPROF_REAL_SIZE overrides the workload's
# size (programs.sh).

real_check ()
{
  local program=$1 size_var status_var last_var longjmps_var package_var
  local size runs flavour built= plain_status last facts value expected started compare_args
  size_var=${program}_size
  status_var=${program}_status
  last_var=${program}_last_line
  longjmps_var=${program}_longjmps
  package_var=${program}_package
  size=${DETPROF_REAL_SIZE:-${!size_var}}
  runs=$REAL_WORK/$program/runs
  started=$SECONDS

  # "detprof -o /dev/null" run as root renames its dump over /dev/null,
  # and every later "> /dev/null" fills a plain file that programs then read.
  if [ ! -c /dev/null ]; then
    echo "Bail out! /dev/null is not the null device but a $(stat -c %F /dev/null)"
    exit 1
  fi

  if ! real_fetch "${!package_var}" || ! "${program}_prepare"; then
    if [ -n "${real_skip:-}" ]; then
      echo "1..0 # SKIP $real_skip"
      exit 0
    fi
    tap_not_ok "$program: prepare the sources"
    echo "1..$tap_n"
    exit 1
  fi
  tap_ok "$program: source $(basename "$real_source") from Debian's ${!package_var}"

  tap_check "$program: address-space randomization can be turned off (${real_norandom[*]})" \
    "${real_norandom[@]}" true

  for flavour in $real_flavours; do
    if [ -z "$(flavour_cc "$flavour")" ]; then
      tap_skip "$program $flavour: no compiler (configure found no clang)"
      continue
    fi
    if real_build "$program" "$flavour"; then
      tap_ok "$program $flavour: built with $(flavour_cc "$flavour") $(flavour_cflags "$flavour")"
      built="$built $flavour"
    else
      tap_not_ok "$program $flavour: build (see $REAL_WORK/$program/$flavour/build.log)"
    fi
  done
  echo "# builds took $((SECONDS - started)) s"
  case " $built " in
    *" plain "*) ;;
    *) echo "Bail out! $program: no plain build to compare with"; exit 1 ;;
  esac

  rm -rf "$runs" && mkdir -p "$runs"
  real_run "$program" plain "$size" "$runs/plain"
  plain_status=$(cat "$runs/plain/status")
  last=$(tail -n 1 "$runs/plain/stdout")
  # shellcheck disable=SC2053  # the last line is matched against a pattern
  if [ "$plain_status" = "${!status_var}" ] && [[ $last == ${!last_var} ]]; then
    tap_ok "$program plain: the workload (size $size) ran to its end: exit status $plain_status, last line '$last' ($(cat "$runs/plain/seconds") s)"
  else
    tap_not_ok "$program plain: the workload (size $size) ran to its end: exit status $plain_status (expected ${!status_var}), last line '$last'"
    tail -n 5 "$runs/plain/stderr" | tap_diag
  fi

  compare_args=()
  case " $built " in
    *" $real_oracle "*)
      if [ -n "${VALGRIND:-}" ]; then
        # shellcheck disable=SC2046  # the options are words
        real_run "$program" "$real_oracle" "$size" "$runs/callgrind" \
          "$VALGRIND" $(real_callgrind_options) --callgrind-out-file="$runs/callgrind/callgrind.out"
        if same_as_plain "$runs/callgrind" "$runs/plain" && [ -s "$runs/callgrind/callgrind.out" ]; then
          tap_ok "$program $real_oracle under callgrind: exit status and stdout equal the plain build's ($(cat "$runs/callgrind/seconds") s)"
          compare_args=(--oracle "$runs/callgrind/callgrind.out"
                        --program "$REAL_WORK/$program/$real_oracle/$(binary_of "$program")")
        else
          tap_not_ok "$program $real_oracle under callgrind: exit status $(cat "$runs/callgrind/status") and stdout equal the plain build's"
          tail -n 5 "$runs/callgrind/stderr" | tap_diag
        fi
      else
        tap_skip "$program: callgrind's call counts (configure found no valgrind)"
      fi
      ;;
    *) ;;
  esac

  for flavour in $real_instrumented; do
    case " $built " in
      *" $flavour "*) ;;
      *) continue ;;
    esac
    real_run "$program" "$flavour" "$size" "$runs/$flavour" \
      "$DETPROF_RUNNER" -b 0 -o "$runs/$flavour/detprof.prof"

    if same_as_plain "$runs/$flavour" "$runs/plain"; then
      tap_ok "$program $flavour under detprof: exit status and stdout equal the plain build's ($(cat "$runs/$flavour/seconds") s)"
    else
      tap_not_ok "$program $flavour under detprof: exit status $(cat "$runs/$flavour/status") and stdout equal the plain build's"
      tail -n 5 "$runs/$flavour/stderr" | tap_diag
      continue
    fi

    facts=$(real_facts "$runs/$flavour/detprof.prof" 2> "$runs/$flavour/facts.err")
    expected="abandoned-frames=0 unmatched-returns=0 dropped-events=0 frames-left-by-exception=0 frames-left-by-thread-exit=0"
    value=$(real_fact frames-left-by-longjmp "$facts")
    if [ "${!longjmps_var}" = yes ]; then
      # Each caught error and each yield long-jumps over C frames: some must
      # have been seen leaving.
      if [ "${value:-0}" -gt 0 ] 2> /dev/null; then
        expected="$expected frames-left-by-longjmp=$value"
      else
        expected="$expected frames-left-by-longjmp=>0"
      fi
    else
      expected="$expected frames-left-by-longjmp=0"
    fi
    # shellcheck disable=SC2086  # one argument per fact
    if check_facts "$facts" $expected; then
      tap_ok "$program $flavour: no frame abandoned: $(facts_line "$facts")"
    else
      tap_not_ok "$program $flavour: no frame abandoned: $(facts_line "$facts") (expected $expected)"
    fi

    tap_check "$program $flavour: Python's pstats opens the dump" \
      "$PYTHON3" -c 'import io, pstats, sys
stats = pstats.Stats(sys.argv[1], stream=io.StringIO())
stats.sort_stats("cumulative").print_stats(10)
stats.print_callers(10)' "$runs/$flavour/detprof.prof"

    compare_args+=(--dump "$flavour" "$runs/$flavour/detprof.prof" "$REAL_WORK/$program/$flavour/$(binary_of "$program")")
  done

  case " ${compare_args[*]} " in
    *" $real_oracle "*) compare_args+=(--reference "$real_oracle") ;;
    *) ;;
  esac
  if [ ${#compare_args[@]} -gt 0 ]; then
    if "$PYTHON3" "$real_dir/compare.py" "${compare_args[@]}" > "$runs/compare.tap" 2> "$runs/compare.err"; then
      tap_relay "$runs/compare.tap"
    else
      tap_relay "$runs/compare.tap"
      tap_not_ok "$program: compare.py ran"
      tap_diag < "$runs/compare.err"
    fi
  fi

  echo "# $program took $((SECONDS - started)) s in all"
  echo "1..$tap_n"
}

# same_as_plain OUT PLAIN: the run in OUT had the exit status and stdout of
# the plain build's run in PLAIN.
same_as_plain ()
{
  [ "$(cat "$1/status")" = "$(cat "$2/status")" ] && cmp -s "$1/stdout" "$2/stdout"
}

binary_of ()
{
  local binary_var=${1}_binary
  printf '%s\n' "${!binary_var}"
}

# check_facts FACTS NAME=VALUE...: every NAME has VALUE among FACTS.
check_facts ()
{
  local facts=$1 pair
  shift
  for pair in "$@"; do
    [ "$(real_fact "${pair%%=*}" "$facts")" = "${pair#*=}" ] || return 1
  done
}

# The run facts the suite checks, on one line.
facts_line ()
{
  local name value line=
  for name in abandoned-frames unmatched-returns dropped-events frames-left-by-longjmp \
              frames-left-by-exception frames-left-by-thread-exit; do
    value=$(real_fact "$name" "$1")
    line="$line${line:+, }$name ${value:-(absent)}"
  done
  printf '%s\n' "$line"
}
