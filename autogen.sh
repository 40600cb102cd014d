#!/bin/sh
# autogen.sh: install the Debian build dependencies that are missing (when
# run as root), then regenerate the build system and run ./configure "$@".
set -e

srcdir=$(dirname "$0")
test -n "$srcdir" || srcdir=.

packages="build-essential pkg-config autoconf automake libtool autoconf-archive
libglib2.0-dev libglib-testing-0-dev libdw-dev libelf-dev libedit-dev python3"

missing=
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
      *"install ok installed"*) ;;
      *) missing="$missing $p" ;;
    esac
  done
fi

if test -n "$missing"; then
  if test "$(id -u)" = 0 && command -v apt-get >/dev/null 2>&1; then
    echo "autogen.sh: installing:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  else
    echo "autogen.sh: missing build dependencies; install them with:" >&2
    echo "  sudo apt-get install$missing" >&2
    exit 1
  fi
fi

(cd "$srcdir" && autoreconf -fi)

if test -z "$NOCONFIGURE"; then
  "$srcdir/configure" "$@"
fi
