# tests/real/common.sh: what the real-program tests (lua.test,
# sqlite.test) and tests/real/measure share. Sourced by bash.
#
# Each program is fetched as a Debian source package, built four ways
# (real_flavours) in a work directory that is kept between runs, and run
# with its workload plain, alone, under detprof and under callgrind. Every
# run has address-space randomization turned off (setarch -R), so that
# nothing a program does depends on where things landed.
#
# Environment: DETPROF_REAL_WORK (the work directory; make check-real uses
# tests/real/work in the build tree, which make clean removes),
# DETPROF_RUNNER, and optionally PYTHON3, VALGRIND, CLANG (empty: no clang
# build), REAL_GCC, APT_GET. tests/real/programs.sh defines the programs.

real_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REAL_WORK=${DETPROF_REAL_WORK:?DETPROF_REAL_WORK names the work directory}
PYTHON3=${PYTHON3:-python3}
APT_GET=${APT_GET:-apt-get}
mkdir -p "$REAL_WORK" || exit 1
REAL_WORK=$(cd "$REAL_WORK" && pwd -P)
# An empty file of our own for the programs' stdin and init files.
real_empty=$REAL_WORK/empty
: > "$real_empty"

# The builds. gcc -O2 is how the programs' users build them; -fno-inline
# is the call tree of the source, which callgrind records (the oracle);
# clang inlines differently. plain has no hooks: its output and exit status
# are what every instrumented build must reproduce.
real_flavours="plain gcc-O2 gcc-O2-fno-inline clang-O2"
real_instrumented="gcc-O2 gcc-O2-fno-inline clang-O2"
real_oracle=gcc-O2-fno-inline

flavour_cc ()
{
  case $1 in
    clang-*) printf '%s\n' "${CLANG-clang}" ;;
    *) printf '%s\n' "${REAL_GCC:-gcc}" ;;
  esac
}

flavour_cflags ()
{
  case $1 in
    plain) echo "-g -O2" ;;
    gcc-O2 | clang-O2) echo "-g -O2 -finstrument-functions" ;;
    gcc-O2-fno-inline) echo "-g -O2 -fno-inline -finstrument-functions" ;;
    *) echo "unknown flavour $1" >&2; return 1 ;;
  esac
}

# Turns address-space randomization off for the command that follows.
real_norandom=(setarch "$(uname -m)" -R)

# ---------------------------------------------------------------------------
# TAP, numbered as we go; the plan comes last.

tap_n=0
tap_ok () { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
tap_not_ok () { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
tap_skip () { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $*"; }
tap_diag () { sed 's/^/# /'; }

# tap_check DESCRIPTION COMMAND...: one test line for COMMAND's status.
tap_check ()
{
  local description=$1
  shift
  if "$@"; then tap_ok "$description"; else tap_not_ok "$description"; fi
}

# Numbers the unnumbered "ok - ..." and "not ok - ..." lines of a file
# (what compare.py prints) and passes everything else through.
tap_relay ()
{
  local line
  while IFS= read -r line; do
    case $line in
      "not ok "*) tap_n=$((tap_n + 1)); line="not ok $tap_n ${line#not ok }" ;;
      "ok "*) tap_n=$((tap_n + 1)); line="ok $tap_n ${line#ok }" ;;
      *) ;;
    esac
    printf '%s\n' "$line"
  done < "$1"
}

# ---------------------------------------------------------------------------
# Sources: Debian source packages, fetched once.

# Prints deb-src entries for the Debian mirror the machine uses for its
# binary packages: the deb822 stanzas of debian.sources whose type is deb,
# or the deb lines of a one-line sources.list.
real_deb_src_entries ()
{
  local deb822=/etc/apt/sources.list.d/debian.sources
  if [ -f "$deb822" ]; then
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /(^|\n)Types:[ \t]*deb[ \t]*(\n|$)/ { sub(/Types:[ \t]*deb/, "Types: deb-src"); print }' "$deb822"
  elif [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb[ \t]/deb-src /p' /etc/apt/sources.list
  fi
}

# real_fetch PACKAGE: unpacks PACKAGE's source (apt-get source) under
# $REAL_WORK/sources once, and sets real_source to its tree. When the source
# cannot be had (not root, no dpkg-dev, no network), sets real_skip to why
# and returns 1: the test skips, it does not fail.
real_fetch ()
{
  local package=$1 dir=$REAL_WORK/sources/$1 list entries status
  if [ -f "$dir/tree" ]; then
    real_source=$dir/$(cat "$dir/tree")
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    real_skip="fetching the $package source needs root, to add a deb-src entry and run apt-get update (run make check-real once as root; the source is kept in $REAL_WORK)"
    return 1
  fi
  if ! command -v "$APT_GET" > /dev/null || ! command -v dpkg-source > /dev/null; then
    real_skip="apt-get source needs apt-get and dpkg-source (dpkg-dev)"
    return 1
  fi
  entries=$(real_deb_src_entries)
  if [ -z "$entries" ]; then
    real_skip="no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list to take deb-src entries from"
    return 1
  fi
  case $entries in
    Types:*) list=/etc/apt/sources.list.d/detprof-check-real.sources ;;
    *) list=/etc/apt/sources.list.d/detprof-check-real.list ;;
  esac
  mkdir -p "$REAL_WORK/sources"
  # lua.test and sqlite.test may run at once: one apt at a time.
  (
    flock 9
    [ -f "$dir/tree" ] && exit 0
    printf '# deb-src entries for make check-real (detprof), from the deb ones\n%s\n' "$entries" > "$list" \
      && "$APT_GET" update -q \
      && rm -rf "$dir.part" && mkdir -p "$dir.part" \
      && (cd "$dir.part" && "$APT_GET" source -q "$package") \
      && tree=$(cd "$dir.part" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | head -n 1) \
      && [ -n "$tree" ] \
      && echo "$tree" > "$dir.part/tree" \
      && mv "$dir.part" "$dir"
  ) 9> "$REAL_WORK/sources/apt.lock" > "$REAL_WORK/sources/$package.log" 2>&1
  status=$?
  if [ $status != 0 ] || [ ! -f "$dir/tree" ]; then
    real_skip="apt-get source $package failed (no network or no such source?): $(tail -n 1 "$REAL_WORK/sources/$package.log")"
    return 1
  fi
  real_source=$dir/$(cat "$dir/tree")
}

# ---------------------------------------------------------------------------
# Builds, kept between runs and redone when made another way.

# real_build PROGRAM FLAVOUR: builds FLAVOUR of PROGRAM in
# $REAL_WORK/PROGRAM/FLAVOUR unless that holds a build made with the same
# compiler, version, flags, defines and source; sets real_binary.
real_build ()
{
  local program=$1 flavour=$2 dir cc cflags made_with binary_var defines_var
  dir=$REAL_WORK/$program/$flavour
  cc=$(flavour_cc "$flavour")
  cflags=$(flavour_cflags "$flavour")
  binary_var=${program}_binary
  defines_var=${program}_defines
  real_binary=$dir/${!binary_var}
  made_with="$cc ($("$cc" --version 2> /dev/null | head -n 1)) $cflags ${!defines_var} from $real_source"
  if [ -x "$real_binary" ] && [ "$(cat "$dir/made-with" 2> /dev/null)" = "$made_with" ]; then
    return 0
  fi
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  if "${program}_build" "$dir" "$cc" "$cflags" > "$dir/build.log" 2>&1 && [ -x "$real_binary" ]; then
    printf '%s\n' "$made_with" > "$dir/made-with"
    return 0
  fi
  tail -n 20 "$dir/build.log" | tap_diag
  return 1
}

# ---------------------------------------------------------------------------
# Runs

# real_run PROGRAM FLAVOUR SIZE OUT [WRAPPER...]: runs FLAVOUR's binary on
# the workload of SIZE, under WRAPPER (detprof, valgrind) if given, from its
# build directory so that argv[0] is the same for every build. Leaves
# OUT/stdout, OUT/stderr and OUT/status, and the wall time in seconds in
# OUT/seconds.
real_run ()
{
  local program=$1 flavour=$2 size=$3 out=$4 binary_var start end status
  shift 4
  binary_var=${program}_binary
  mkdir -p "$out"
  "${program}_workload" "$size"   # sets real_args and real_stdin
  start=$EPOCHREALTIME
  (cd "$REAL_WORK/$program/$flavour" \
     && exec timeout 1800 "${real_norandom[@]}" "$@" "./${!binary_var}" "${real_args[@]}") \
    < "$real_stdin" > "$out/stdout" 2> "$out/stderr"
  status=$?
  end=$EPOCHREALTIME
  echo "$status" > "$out/status"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' > "$out/seconds"
}

# The options of the callgrind runs: every recursive call is an arc of its
# own (callgrind's defaults skip direct recursion and split recursion
# levels into separate functions), and names are written out in full.
real_callgrind_options ()
{
  echo "--tool=callgrind --skip-direct-rec=no --separate-recs=1 --compress-strings=no --compress-pos=no"
}

# real_facts DUMP: prints the run facts of a detprof dump as NAME=VALUE
# lines (the "info" of detprof's object after pstats' dict).
real_facts ()
{
  "$PYTHON3" -c '
import marshal, sys
with open(sys.argv[1], "rb") as f:
    marshal.load(f)
    extra = marshal.load(f)
for name, value in extra.get("info", {}).items():
    print(f"{name}={value}")' "$1"
}

# real_fact NAME FACTS: the value of one of real_facts' lines.
real_fact ()
{
  printf '%s\n' "$2" | sed -n "s/^$1=//p"
}
