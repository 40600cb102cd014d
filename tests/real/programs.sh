# tests/real/programs.sh: the real programs, built from their Debian source
# packages. Sourced by bash after common.sh.
#
# For each PROGRAM:
#   PROGRAM_package       the Debian source package
#   PROGRAM_binary        the file each build makes
#   PROGRAM_defines       what every build, plain or not, is compiled with
#   PROGRAM_size          the workload's size in make check-real (callgrind too)
#   PROGRAM_timing_size   the workload's size in tests/real/measure
#   PROGRAM_status        the exit status the workload ends with
#   PROGRAM_last_line     a pattern the last line of its output matches
#   PROGRAM_longjmps      yes if the program leaves frames by longjmp
#   PROGRAM_prepare       makes what the builds compile from, once
#   PROGRAM_build DIR CC CFLAGS
#   PROGRAM_workload SIZE sets real_args and real_stdin
#
# Whatever would make one run differ from another is turned off at compile
# time, each define below saying what it removes; the address space is not
# randomized (common.sh). Without this, call counts differ between builds
# and runs for reasons that are the program's, not the profiler's.

# ---------------------------------------------------------------------------
# Lua 5.4: the interpreter, every file of src/ but the compiler luac.c.

lua_package=lua5.4
lua_binary=lua
lua_size=4
lua_timing_size=10
lua_status=1
lua_last_line=done
lua_longjmps=yes
# As lua's own Makefile builds for Linux, and:
# - luai_makeseed: the seed of string hashing comes from the time and from
#   addresses (lstate.c), and decides which strings collide;
# - l_randomizePivot: table.sort picks pivots from clock () and time ()
#   after a bad partition (ltablib.c; its comment suggests ~0 to turn it off);
# - STRCACHE_N, STRCACHE_M: the cache of C strings pushed through the API is
#   indexed by the string's address (lstring.c luaS_new), so its hits, and the
#   calls of luaS_newlstr, depend on where the compiler put each constant:
#   gcc -O2 interned 5 strings more than gcc -O2 -fno-inline. With one entry,
#   a hit depends only on the string pushed before.
# math.random's seed also comes from the time and an address (lmathlib.c
# randseed), but the workload reseeds with math.randomseed (42) before its
# first random number.
lua_defines="-std=gnu99 -DLUA_COMPAT_5_3 -DLUA_USE_LINUX -Dluai_makeseed(L)=0x2a -Dl_randomizePivot()=(~0u) -DSTRCACHE_N=1 -DSTRCACHE_M=1"

lua_prepare ()
{
  :
}

lua_build ()
{
  local dir=$1 cc=$2 cflags=$3 sources
  sources=$(ls "$real_source"/src/*.c | grep -v '/luac\.c$')
  # Debian's luaconf.h includes this header, which its build generates.
  printf '#define DEB_HOST_MULTIARCH "%s"\n' "$(gcc -print-multiarch)" > "$dir/lua5.4-deb-multiarch.h"
  # shellcheck disable=SC2086  # flags and file lists are words
  "$cc" $cflags -I"$dir" $lua_defines -o "$dir/lua" $sources -Wl,-E -lm -ldl
}

lua_workload ()
{
  real_args=("$real_dir/workload.lua" "$1")
  real_stdin=$real_empty
}

# ---------------------------------------------------------------------------
# sqlite3's shell, from the amalgamation (sqlite3.c and shell.c). The Debian
# source package holds the source tree, not the amalgamation: its own
# makefile makes it, with tclsh.

sqlite_package=sqlite3
sqlite_binary=sqlite3
sqlite_size=100000
sqlite_timing_size=100000
sqlite_status=1
sqlite_last_line='after the failure|*'
sqlite_longjmps=no
# - SQLITE_THREADSAFE=0, SQLITE_OMIT_LOAD_EXTENSION: no mutexes and no
#   dlopen, so the shell links with libm alone;
# - SQLITE_OMIT_RANDOMNESS: the pseudo-random generator is seeded with zeros
#   instead of from /dev/urandom and the time (os_unix.c unixRandomness);
# - SQLITE_TEMP_STORE=3: temporary tables and sorts stay in memory instead of
#   files whose names come from that generator;
# - SQLITE_ENABLE_FTS4: the full-text index of the workload.
sqlite_defines="-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_RANDOMNESS -DSQLITE_TEMP_STORE=3 -DSQLITE_ENABLE_FTS4"

sqlite_prepare ()
{
  local dir=$REAL_WORK/sqlite/amalgamation
  if [ "$(cat "$dir/made-from" 2> /dev/null)" = "$real_source" ] && [ -f "$dir/sqlite3.c" ]; then
    return 0
  fi
  if ! command -v tclsh > /dev/null; then
    real_skip="making sqlite3's amalgamation needs tclsh (the tcl package)"
    return 1
  fi
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  if ! (cd "$dir" && "$real_source/configure" --disable-tcl && make sqlite3.c shell.c) > "$dir/make.log" 2>&1; then
    tail -n 20 "$dir/make.log" | tap_diag
    return 1
  fi
  echo "$real_source" > "$dir/made-from"
}

sqlite_build ()
{
  local dir=$1 cc=$2 cflags=$3 amalgamation=$REAL_WORK/sqlite/amalgamation
  # shellcheck disable=SC2086
  "$cc" $cflags $sqlite_defines -o "$dir/sqlite3" "$amalgamation/sqlite3.c" "$amalgamation/shell.c" -lm
}

sqlite_workload ()
{
  real_stdin=$REAL_WORK/sqlite/workload-$1.sql
  sed "s/@ROWS@/$1/g" "$real_dir/workload.sql" > "$real_stdin"
  # An empty -init file: no ~/.sqliterc.
  real_args=(-batch -init "$real_empty")
}
