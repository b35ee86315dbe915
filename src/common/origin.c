#include "common/origin.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SPACE " \t"

/* The next item of list at *p (spaces trimmed), its length in *len; false at the end. */
static bool next_item(const char **p, const char **item, size_t *len)
{
	const char *s = *p;
	if (*s == '\0')
		return false;
	size_t n = strcspn(s, ",");
	*p = s[n] == ',' ? s + n + 1 : s + n;
	while (n > 0 && strchr(SPACE, *s)) {
		s++;
		n--;
	}
	while (n > 0 && strchr(SPACE, s[n - 1]))
		n--;
	*item = s;
	*len = n;
	return true;
}

/* NULL when s[0..n) is a valid origin, else the reason. */
static const char *origin_problem(const char *s, size_t n)
{
	size_t scheme;
	if (n >= 7 && strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else
		return "must start with http:// or https://";
	const char *h = s + scheme, *end = s + n;
	if (h < end && *h == '[') {
		const char *close = memchr(h, ']', (size_t)(end - h));
		if (!close || close == h + 1)
			return "has a malformed IPv6 address";
		for (const char *c = h + 1; c < close; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
				return "has a malformed IPv6 address";
		h = close + 1;
	} else {
		const char *start = h;
		while (h < end && (isalnum((unsigned char)*h) || *h == '-' || *h == '.'))
			h++;
		if (h == start)
			return "has no host";
	}
	if (h == end)
		return NULL;
	if (*h != ':')
		return "may hold only scheme, host and port (no path, no trailing /)";
	h++;
	long port = 0;
	if (h == end || end - h > 5)
		return "has a bad port";
	for (; h < end; h++) {
		if (!isdigit((unsigned char)*h))
			return "has a bad port";
		port = port * 10 + (*h - '0');
	}
	return port >= 1 && port <= 65535 ? NULL : "has a bad port";
}

int origin_list_check(const char *list, char *err, size_t errlen)
{
	const char *p = list, *item;
	size_t len = strlen(list);
	while (len > 0 && strchr(SPACE, list[len - 1]))
		len--;
	if (len > 0 && list[len - 1] == ',') {
		snprintf(err, errlen, "ends with a comma");
		return -1;
	}
	while (next_item(&p, &item, &len)) {
		const char *why = len == 0 ? "is empty" : origin_problem(item, len);
		if (why) {
			snprintf(err, errlen, "origin \"%.*s\" %s", (int)(len > 80 ? 80 : len), item, why);
			return -1;
		}
	}
	return 0;
}

/* Scheme and host are case-insensitive; the rest of an origin is digits and punctuation. */
const char *origin_list_find(const char *list, const char *origin, size_t *len)
{
	if (!list || !origin)
		return NULL;
	size_t want = strlen(origin);
	const char *p = list, *item;
	size_t n;
	while (next_item(&p, &item, &n))
		if (n == want && n > 0 && strncasecmp(item, origin, n) == 0) {
			*len = n;
			return item;
		}
	return NULL;
}
