/* dlclose.c: plugins closed while the program goes on. Its argument is
 * the path of its plugins up to "plug.so" and "other.so".
 *
 *   plug   opened twice. Called 4 times by a thread that then ends, 20
 *          times by a worker thread, 10 times by a sleeper thread, which
 *          makes no event again before the exit, and 60 times by main.
 *          Closed once (it stays loaded), called 40 times more, closed
 *          again: it is unmapped.
 *   other  opened next, most often where plug was, with the same layout:
 *          its functions are at the addresses plug's had. Called 7 times
 *          by main and 5 times by the worker (its first events since plug
 *          went), then closed; the worker ends.
 *   plug   opened again, called 3 times, closed: the same file, so the
 *          same functions.
 *   other  opened again, called twice, left open at the exit: most often
 *          where the sleeper's records of plug point.
 *
 * Every function must keep its own name, counts and callers: plug_run 137
 * calls, other_run 14, and never one merged into the other. Standard
 * error says whether other was loaded where plug was. */
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*RunFunc) (int i);

static const char *prefix;
static void *plug;
static void *other;
static sem_t plug_done;      /* the worker or the sleeper has made its calls to plug */
static sem_t other_open;     /* other is open: the worker may call it */
static sem_t other_done;     /* the worker has made its calls to other */
static sem_t never;

__attribute__ ((noinline)) static void *
open_plugin (const char *name)
{
  char path[4096];
  void *handle;

  snprintf (path, sizeof path, "%s%s.so", prefix, name);
  handle = dlopen (path, RTLD_NOW);
  if (handle == NULL)
    {
      fprintf (stderr, "%s\n", dlerror ());
      exit (2);
    }
  return handle;
}

__attribute__ ((noinline)) static long
run_plugin (void       *handle,
            const char *name,
            int         times)
{
  RunFunc run = (RunFunc) dlsym (handle, name);
  long total = 0;
  int i;

  for (i = 0; i < times; i++)
    total += run (i);
  return total;
}

__attribute__ ((noinline)) static void *
early (void *data)
{
  long *total = data;

  *total += run_plugin (plug, "plug_run", 4);
  return NULL;
}

__attribute__ ((noinline)) static void *
worker (void *data)
{
  long *total = data;

  *total += run_plugin (plug, "plug_run", 20);
  sem_post (&plug_done);
  sem_wait (&other_open);
  *total += run_plugin (other, "other_run", 5);
  sem_post (&other_done);
  return NULL;
}

__attribute__ ((noinline)) static void *
sleeper (void *data)
{
  long *total = data;

  *total += run_plugin (plug, "plug_run", 10);
  sem_post (&plug_done);
  sem_wait (&never);
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  pthread_t early_thread, worker_thread, sleeper_thread;
  long total = 0, by_early = 0, by_worker = 0, by_sleeper = 0;
  void *again;
  void *plug_leaf;

  if (argc != 2)
    return 2;
  prefix = argv[1];
  sem_init (&plug_done, 0, 0);
  sem_init (&other_open, 0, 0);
  sem_init (&other_done, 0, 0);
  sem_init (&never, 0, 0);

  plug = open_plugin ("plug");
  again = open_plugin ("plug");
  pthread_create (&early_thread, NULL, early, &by_early);
  pthread_join (early_thread, NULL);
  pthread_create (&worker_thread, NULL, worker, &by_worker);
  pthread_create (&sleeper_thread, NULL, sleeper, &by_sleeper);
  sem_wait (&plug_done);
  sem_wait (&plug_done);
  total += run_plugin (plug, "plug_run", 60);
  dlclose (again);
  total += run_plugin (plug, "plug_run", 40);
  plug_leaf = dlsym (plug, "plug_leaf");
  dlclose (plug);

  other = open_plugin ("other");
  total += run_plugin (other, "other_run", 7);
  fprintf (stderr, "other %s loaded where plug was\n",
           dlsym (other, "other_leaf") == plug_leaf ? "was" : "was not");
  sem_post (&other_open);
  sem_wait (&other_done);
  pthread_join (worker_thread, NULL);
  dlclose (other);

  plug = open_plugin ("plug");
  total += run_plugin (plug, "plug_run", 3);
  dlclose (plug);

  other = open_plugin ("other");
  total += run_plugin (other, "other_run", 2);

  printf ("%ld\n", total + by_early + by_worker + by_sleeper);
  return 0;
}
