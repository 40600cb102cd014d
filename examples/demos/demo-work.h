/* demo-work.h: how the demo workloads spend their time.
 *
 * Every demo function does its work through these two calls, so that one
 * workload can run two ways: for real (make demo: demo-work.c spins and
 * sleeps) and on a virtual clock (make check: tests/test-demos.c advances
 * a counter instead), where every number the profiler reports is known
 * in advance.
 *
 * Neither is instrumented. Like any library call, the time they take is
 * charged to the function that calls them, which is what the demos show.
 */
#pragma once

/* Burns CPU: @units steps of a dependency chain, about a nanosecond each. */
void demo_work (long units);

/* Waits @ns nanoseconds without using the CPU, as a slow disk would. */
void demo_wait (long ns);
