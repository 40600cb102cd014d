/* dlclose-plug.c: the first plugin of dlclose.c. dlclose-other.c has the
 * same code under other names, so that its functions lie at the same
 * offsets. The leaf is not inlined, so that its call site is a line of
 * the plugin with either compiler (clang gives the hooks of a function
 * it inlined the call site of the function it was inlined into). */

int plug_leaf (int i);
int plug_run (int i);

__attribute__ ((noinline)) int
plug_leaf (int i)
{
  return i * 3;
}

int
plug_run (int i)
{
  return plug_leaf (i) + 1;
}
