/* Web origins ("https://dash.example.org:8443") and comma-separated lists of them (server.cors_origins). */
#ifndef TURNERO_ORIGIN_H
#define TURNERO_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Checks a comma-separated list of origins, spaces around items allowed, "" being the
 * empty list. Each item is scheme://host[:port] with scheme http or https, a host of
 * letters, digits, '-' and '.' (or a bracketed IPv6 address) and a port 1-65535; no
 * path, no trailing '/', never "*" or "null". Returns 0, or -1 with a reason in err.
 */
int origin_list_check(const char *list, char *err, size_t errlen);

/*
 * The list's item equal to origin (scheme and host compared without regard to case),
 * as a pointer into list with its length in *len; NULL when origin is not listed.
 */
const char *origin_list_find(const char *list, const char *origin, size_t *len);

#endif
