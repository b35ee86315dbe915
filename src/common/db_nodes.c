#include "common/db_nodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, size_t len, unsigned *port)
{
	if (len == 0 || len > 5)
		return -1;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

static int host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
	       c == '_';
}

static int parse_one(const char *s, size_t len, unsigned default_port, struct db_node *node, char *err,
		     size_t errlen)
{
	memset(node, 0, sizeof *node);
	if (s[0] == '/') {
		if (len >= sizeof node->socket) {
			snprintf(err, errlen, "socket path too long: %.*s", (int)len, s);
			return -1;
		}
		memcpy(node->socket, s, len);
		return 0;
	}
	const char *host = s, *colon = NULL;
	size_t host_len;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close || close == s + 1) {
			snprintf(err, errlen, "bad address '%.*s' (want [v6-address]:port)", (int)len, s);
			return -1;
		}
		host = s + 1;
		host_len = (size_t)(close - host);
		for (size_t i = 0; i < host_len; i++)
			if (!(host_char_ok(host[i]) || host[i] == ':')) {
				snprintf(err, errlen, "bad address '%.*s'", (int)len, s);
				return -1;
			}
		if (close + 1 < s + len) {
			if (close[1] != ':') {
				snprintf(err, errlen, "bad address '%.*s' (want [v6-address]:port)", (int)len, s);
				return -1;
			}
			colon = close + 1;
		}
	} else {
		colon = memchr(s, ':', len);
		host_len = colon ? (size_t)(colon - s) : len;
		if (host_len == 0) {
			snprintf(err, errlen, "missing host in '%.*s'", (int)len, s);
			return -1;
		}
		for (size_t i = 0; i < host_len; i++)
			if (!host_char_ok(host[i])) {
				snprintf(err, errlen, "bad host name '%.*s' (want host:port or a socket path)", (int)len, s);
				return -1;
			}
	}
	if (host_len >= sizeof node->host) {
		snprintf(err, errlen, "host name too long: %.*s", (int)len, s);
		return -1;
	}
	memcpy(node->host, host, host_len);
	node->port = default_port;
	if (colon && parse_port(colon + 1, (size_t)(s + len - colon - 1), &node->port) < 0) {
		snprintf(err, errlen, "bad port in '%.*s' (1-65535)", (int)len, s);
		return -1;
	}
	return 0;
}

int db_nodes_parse(const char *list, unsigned default_port, struct db_node *out, int max, char *err, size_t errlen)
{
	int n = 0;
	const char *p = list;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, ", \t");
		if (n >= max) {
			snprintf(err, errlen, "more than %d nodes", max);
			return -1;
		}
		if (parse_one(p, len, default_port, &out[n], err, errlen) < 0)
			return -1;
		n++;
		p += len;
	}
	return n;
}

const char *db_node_name(const struct db_node *node, char *buf, size_t len)
{
	if (node->socket[0])
		snprintf(buf, len, "%s", node->socket);
	else if (strchr(node->host, ':'))
		snprintf(buf, len, "[%s]:%u", node->host, node->port);
	else
		snprintf(buf, len, "%s:%u", node->host, node->port);
	return buf;
}
