/* depth-profiler-workload.h: the code examples/depth-profiler profiles. */
#pragma once

long fib (int n);
int  is_even (unsigned int n);
int  is_odd (unsigned int n);
void depth_workload_run (void);
