/*
 * One counter shared by turnero-fcgi's master and all its workers (mapped before the
 * workers are forked, like the metrics): a worker that changes something the others
 * memoise bumps it, and every worker drops its copies at its next request. Processes
 * that never call shared_gen_init (turneroctl, tests) read 0 and bump nothing; their
 * memos then rely on their age limit alone, as do other machines (SPEC 16).
 */
#ifndef TURNERO_SHARED_GEN_H
#define TURNERO_SHARED_GEN_H

#include <stdint.h>

/* 0, or -1 when the shared page cannot be mapped. */
int shared_gen_init(void);
void shared_gen_shutdown(void);
uint64_t shared_gen_get(void);
void shared_gen_bump(void);

#endif
