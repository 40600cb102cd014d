// exceptions.cc: a C++ exception thrown four frames deep and caught two
// frames up, three times. gcc's unwinder calls the exit hook of every
// frame it leaves; clang's calls none, so the profiler closes them when
// the exception is caught. Either way: the same counts and arcs, and no
// frame abandoned.
//
// The functions have C names, so that the test reads them as written.
#include <cstdio>

static volatile int sink;

extern "C" {

__attribute__ ((noinline)) void
thrower (int depth)
{
  if (depth == 0)
    throw 42;
  thrower (depth - 1);
  sink++;
}

__attribute__ ((noinline)) int
middle (void)
{
  thrower (3);
  return 0;
}

__attribute__ ((noinline)) int
after (int value)
{
  return value + sink;
}

__attribute__ ((noinline)) int
catcher (void)
{
  try
    {
      return middle ();
    }
  catch (int e)
    {
      return after (e);
    }
}

}

int
main ()
{
  int s = 0;

  for (int i = 0; i < 3; i++)
    s += catcher ();
  std::printf ("%d\n", s);
  return 0;
}
