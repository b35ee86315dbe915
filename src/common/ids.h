/* Random identifiers and timestamps in the API's formats. */
#ifndef TURNERO_IDS_H
#define TURNERO_IDS_H

#include <stddef.h>

#define UUID_STR_LEN 37 /* 36 characters and the NUL */
#define TS_STR_LEN 25   /* "2025-10-17T03:03:49.172Z" and the NUL */

/* A random (version 4) UUID in lowercase canonical form. */
void ids_uuid_v4(char out[UUID_STR_LEN]);

/* Milliseconds since the epoch (wall clock) and a monotonic microsecond clock. */
long long ids_now_ms(void);
long long ids_mono_us(void);

/* Formats a unix time in milliseconds as RFC 3339 UTC with milliseconds. */
void ids_format_ms(long long ms, char out[TS_STR_LEN]);

/*
 * Converts MariaDB's DATETIME(3) text "YYYY-MM-DD HH:MM:SS.mmm" (UTC) to RFC 3339
 * "YYYY-MM-DDTHH:MM:SS.mmmZ". Returns -1 when the input has another shape.
 */
int ids_db_to_rfc3339(const char *db, char out[TS_STR_LEN]);

/* The same DATETIME(3) text (UTC) as milliseconds since the epoch; -1 when it is not one. */
long long ids_db_to_ms(const char *db);

#endif
