/* Cryptographically strong random bytes from the kernel. */
#ifndef TURNERO_RANDOM_H
#define TURNERO_RANDOM_H

#include <stddef.h>

/* Fills buf with len random bytes (getrandom, retried on EINTR and short reads); 0 or -1. */
int random_bytes(void *buf, size_t len);

#endif
