/* timers-workload.h: the code examples/timers profiles. */
#pragma once

unsigned long mix (unsigned long x);
void          crunch (void);
void          nap (void);
void          ask_kernel (void);
void          timers_workload_run (void);
