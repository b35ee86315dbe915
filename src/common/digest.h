/* Content digests. */
#ifndef TURNERO_DIGEST_H
#define TURNERO_DIGEST_H

#include <stddef.h>

/* Lowercase hex SHA-256 of data[0..len) into out[65]; "" if the digest cannot be computed. */
void digest_sha256_hex(const void *data, size_t len, char out[65]);

#endif
