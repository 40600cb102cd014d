/* dlclose-other.c: the second plugin of dlclose.c, the first one's code
 * under other names. */

int other_leaf (int i);
int other_run (int i);

__attribute__ ((noinline)) int
other_leaf (int i)
{
  return i * 3;
}

int
other_run (int i)
{
  return other_leaf (i) + 1;
}
