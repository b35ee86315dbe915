/*
 * [database] nodes: the ordered list of database servers a worker may use, e.g.
 * "10.0.0.1:3306, 10.0.0.2:3306, /run/mysqld/mysqld.sock". Pure parsing, shared by the
 * configuration check and the connection code.
 */
#ifndef TURNERO_DB_NODES_H
#define TURNERO_DB_NODES_H

#include <stddef.h>

#define DB_NODES_MAX 16

struct db_node {
	char host[256];   /* empty for a unix socket */
	unsigned port;    /* 0 for a unix socket */
	char socket[512]; /* empty for TCP */
};

/*
 * Parses list: entries separated by commas and/or spaces, each "host:port",
 * "[v6-address]:port", "host" (port default_port) or an absolute unix socket path.
 * Returns the number of entries written to out (0 for an empty list), or -1 with a
 * one-line reason in err.
 */
int db_nodes_parse(const char *list, unsigned default_port, struct db_node *out, int max, char *err, size_t errlen);

/* "host:port" or the socket path, for logs. */
const char *db_node_name(const struct db_node *node, char *buf, size_t len);

#endif
