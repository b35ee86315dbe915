#include "common/shared_gen.h"

#include <stddef.h>
#include <sys/mman.h>

static uint64_t *gen;

int shared_gen_init(void)
{
	if (gen)
		return 0;
	void *p = mmap(NULL, sizeof *gen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	gen = p;
	return 0;
}

void shared_gen_shutdown(void)
{
	if (gen)
		munmap(gen, sizeof *gen);
	gen = NULL;
}

uint64_t shared_gen_get(void)
{
	return gen ? __atomic_load_n(gen, __ATOMIC_ACQUIRE) : 0;
}

void shared_gen_bump(void)
{
	if (gen)
		__atomic_fetch_add(gen, 1, __ATOMIC_RELEASE);
}
