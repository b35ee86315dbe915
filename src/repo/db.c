#include "repo/db.h"

#include <errno.h>
#include <stdio.h>
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <time.h>

#include "common/db_nodes.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/metrics.h"
#include "repo/db_internal.h"

#define DB_MIN_COLUMN_BUFFER 64
#define TX_MAX_ATTEMPTS 5
#define RECONNECT_PAUSE_US 500000LL /* after a failed connect, fail fast for this long */
/* Migrations may rewrite big tables: their connection waits longer than a worker's
 * ([database] io_timeout), as every connection did before that key existed. */
#define MIGRATION_IO_TIMEOUT_SECONDS 30

struct db {
	const struct config *cfg;
	MYSQL *conn;
	MYSQL_STMT *stmts[STMT__MAX];
	bool in_tx;
	bool tx_lost;         /* the connection dropped inside the current transaction */
	bool tx_relay_work;   /* the current transaction wrote events or deliveries */
	void (*commit_hook)(void *cls);
	void *commit_cls;
	long long next_connect_us;
	char password[256];
	bool password_loaded;
	bool has_password;
};

struct db_row {
	MYSQL_BIND *bind;
	unsigned long *lengths;
	my_bool *nulls;
	unsigned ncols;
};

static bool is_connection_lost(unsigned err)
{
	switch (err) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONN_HOST_ERROR:
	case CR_CONNECTION_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT */
	/* Galera: a node cut off from the primary component refuses queries (1047, "WSREP
	 * has not yet prepared node") and commits (1180); the next connection moves down
	 * [database] nodes to one that is synced. */
	case ER_UNKNOWN_COM_ERROR:
	case ER_ERROR_DURING_COMMIT:
		return true;
	default:
		return false;
	}
}

static long long classify(struct db *db, unsigned err, const char *what, const char *msg)
{
	switch (err) {
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		log_info("%s: %s (will retry)", what, msg);
		return DB_SOFT;
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
	case ER_NO_REFERENCED_ROW_2:
	case ER_ROW_IS_REFERENCED_2:
		return DB_CONFLICT;
	default:
		break;
	}
	metrics_db_error();
	if (is_connection_lost(err)) {
		log_warn("%s: connection lost: %s", what, msg);
		return DB_UNAVAILABLE;
	}
	log_err("%s: error %u: %s", what, err, msg);
	return DB_HARD;
}

static void drop_connection(struct db *db)
{
	for (int i = 0; i < STMT__MAX; i++) {
		if (db->stmts[i])
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	if (db->in_tx)
		db->tx_lost = true;
}

static MYSQL *connect_one(const struct config *cfg, const char *password, unsigned long flags,
			  unsigned io_timeout, const char *host, unsigned port, const char *socket, char *err,
			  size_t errlen)
{
	MYSQL *conn = mysql_init(NULL);
	if (!conn) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	unsigned int connect_timeout = (unsigned)cfg->database.connect_timeout;
	my_bool no = 0;
	mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_optionsv(conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_optionsv(conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	/* Auto-reconnect would silently invalidate our prepared statements. */
	mysql_optionsv(conn, MYSQL_OPT_RECONNECT, &no);
	mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(conn, MYSQL_INIT_COMMAND,
		       "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
		       "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");

	if (!mysql_real_connect(conn, host, cfg->database.user, password, cfg->database.name, port, socket, flags)) {
		snprintf(err, errlen, "database connect failed: %s", mysql_error(conn));
		mysql_close(conn);
		return NULL;
	}
	return conn;
}

/*
 * Whether a freshly opened connection may take work: a Galera node must be ready, in
 * the primary component and synced; a server without Galera (wsrep_on = 0, or no such
 * variable) always may. Returns 1 (usable), 0 (not, reason in why) or -1 (the probe
 * itself failed, reason in why).
 */
static int node_usable(MYSQL *conn, char *why, size_t len)
{
	MYSQL_STMT *st = mysql_stmt_init(conn);
	if (!st) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	const char *sql = stmt_sql(STMT_DB_NODE_STATE);
	int rc = -1;
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0 || mysql_stmt_execute(st) != 0) {
		unsigned err = mysql_stmt_errno(st);
		if (err == ER_UNKNOWN_SYSTEM_VARIABLE)
			rc = 1; /* a server built without Galera */
		else
			snprintf(why, len, "node state query failed: %s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return rc;
	}
	long long wsrep_on = 0;
	char val[3][64];
	unsigned long lens[3];
	my_bool nulls[4];
	MYSQL_BIND out[4];
	memset(out, 0, sizeof out);
	out[0].buffer_type = MYSQL_TYPE_LONGLONG;
	out[0].buffer = &wsrep_on;
	out[0].is_null = &nulls[0];
	for (int i = 0; i < 3; i++) {
		out[i + 1].buffer_type = MYSQL_TYPE_STRING;
		out[i + 1].buffer = val[i];
		out[i + 1].buffer_length = sizeof val[i] - 1;
		out[i + 1].length = &lens[i];
		out[i + 1].is_null = &nulls[i + 1];
	}
	int f;
	if (mysql_stmt_bind_result(st, out) != 0 || ((f = mysql_stmt_fetch(st)) != 0 && f != MYSQL_DATA_TRUNCATED)) {
		snprintf(why, len, "node state query returned no row: %s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		size_t n = nulls[i + 1] ? 0 : (lens[i] < sizeof val[i] ? lens[i] : sizeof val[i] - 1);
		val[i][n] = '\0';
	}
	mysql_stmt_close(st);
	if (nulls[0] || wsrep_on == 0)
		return 1;
	if (strcmp(val[0], "ON") == 0 && strcmp(val[1], "Primary") == 0 && strcmp(val[2], "Synced") == 0)
		return 1;
	snprintf(why, len, "galera node not usable: wsrep_ready=%s wsrep_cluster_status=%s wsrep_local_state_comment=%s",
		 val[0], val[1], val[2]);
	return 0;
}

/*
 * io_timeout bounds every read and write on the connection: a node that hangs without
 * closing its sockets (paused, swapping, cut off behind a firewall that drops packets)
 * then costs a worker io_timeout, after which the connection counts as lost and the
 * next one moves down [database] nodes.
 */
static MYSQL *open_connection(const struct config *cfg, const char *password, unsigned long flags,
			      unsigned io_timeout, char *err, size_t errlen)
{
	struct db_node nodes[DB_NODES_MAX];
	int n = db_nodes_parse(cfg->database.nodes, (unsigned)cfg->database.port, nodes, DB_NODES_MAX, err, errlen);
	if (n < 0)
		return NULL;
	if (n == 0) {
		/* One server: host, port and socket as configured (no state probe needed). */
		const char *socket = cfg->database.socket[0] ? cfg->database.socket : NULL;
		return connect_one(cfg, password, flags, io_timeout, cfg->database.host, (unsigned)cfg->database.port,
				   socket, err, errlen);
	}
	/* The first node that answers and is synced, in the configured order, so every
	 * worker writes through the same node while it is healthy. */
	size_t used = 0;
	err[0] = '\0';
	for (int i = 0; i < n; i++) {
		char name[600], why[400];
		db_node_name(&nodes[i], name, sizeof name);
		MYSQL *conn = connect_one(cfg, password, flags, io_timeout, nodes[i].socket[0] ? "localhost" : nodes[i].host,
					  nodes[i].port, nodes[i].socket[0] ? nodes[i].socket : NULL, why, sizeof why);
		if (conn) {
			int usable = node_usable(conn, why, sizeof why);
			if (usable == 1) {
				if (i > 0)
					log_info("database: using node %s (earlier nodes unusable)", name);
				return conn;
			}
			mysql_close(conn);
		}
		log_warn("database node %s: %s", name, why);
		if (used < errlen) {
			int w = snprintf(err + used, errlen - used, "%s%s: %s", used ? "; " : "", name, why);
			used += w > 0 ? (size_t)w : 0;
		}
	}
	return NULL;
}

MYSQL *db_open_connection(const struct config *cfg, const char *password, unsigned long flags, char *err,
			  size_t errlen)
{
	return open_connection(cfg, password, flags, MIGRATION_IO_TIMEOUT_SECONDS, err, errlen);
}

int db_load_password(const struct config *cfg, char *buf, size_t size, char *err, size_t errlen)
{
	buf[0] = '\0';
	if (cfg->database.password_file[0] == '\0')
		return 0;
	long n = config_read_secret(cfg->database.password_file, buf, size - 1, err, errlen);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 1;
}

static int ensure_connected(struct db *db)
{
	if (db->conn)
		return 0;
	long long now = ids_mono_us();
	if (now < db->next_connect_us)
		return DB_UNAVAILABLE;
	char err[512];
	if (!db->password_loaded) {
		int has = db_load_password(db->cfg, db->password, sizeof db->password, err, sizeof err);
		if (has < 0) {
			log_err("database password: %s", err);
			return DB_UNAVAILABLE;
		}
		db->has_password = has > 0;
		db->password_loaded = true;
	}
	metrics_db_round_trip(); /* a connect is several; counted as one */
	db->conn = open_connection(db->cfg, db->has_password ? db->password : NULL, CLIENT_FOUND_ROWS,
				   (unsigned)db->cfg->database.io_timeout, err, sizeof err);
	if (!db->conn) {
		log_warn("%s", err);
		metrics_db_error();
		db->next_connect_us = now + RECONNECT_PAUSE_US;
		return DB_UNAVAILABLE;
	}
	db->next_connect_us = 0;
	log_debug("database connected");
	return 0;
}

struct db *db_new(const struct config *cfg)
{
	struct db *db = calloc(1, sizeof *db);
	if (db)
		db->cfg = cfg;
	return db;
}

void db_free(struct db *db)
{
	if (!db)
		return;
	db->in_tx = false;
	drop_connection(db);
	explicit_bzero(db->password, sizeof db->password);
	free(db);
}

bool db_in_tx(const struct db *db)
{
	return db->in_tx;
}

int db_ping(struct db *db)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (ensure_connected(db) < 0)
			return DB_UNAVAILABLE;
		long long rows = db_query(db, STMT_SELECT_ONE, DB_NO_ARGS, NULL, NULL);
		if (rows == 1)
			return 0;
		if (rows != DB_UNAVAILABLE)
			return DB_HARD;
	}
	return DB_UNAVAILABLE;
}

static MYSQL_STMT *get_stmt(struct db *db, enum stmt_id id, long long *status)
{
	if (db->stmts[id])
		return db->stmts[id];
	MYSQL_STMT *st = mysql_stmt_init(db->conn);
	if (!st) {
		*status = DB_HARD;
		return NULL;
	}
	const char *sql = stmt_sql(id);
	metrics_db_round_trip();
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
		*status = classify(db, mysql_stmt_errno(st), stmt_name(id), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	my_bool update_max = 1;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	db->stmts[id] = st;
	return st;
}

static long long fetch_rows(struct db *db, enum stmt_id id, MYSQL_STMT *st, db_row_fn cb, void *cls)
{
	long long result;
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	if (!meta)
		return classify(db, mysql_stmt_errno(st), stmt_name(id), "statement returns no result set");
	unsigned ncols = mysql_num_fields(meta);
	MYSQL_BIND *bind = NULL;
	unsigned long *lengths = NULL;
	my_bool *nulls = NULL;
	char **buffers = NULL;

	if (mysql_stmt_store_result(st) != 0) {
		result = classify(db, mysql_stmt_errno(st), stmt_name(id), mysql_stmt_error(st));
		goto out;
	}
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	bind = calloc(ncols, sizeof *bind);
	lengths = calloc(ncols, sizeof *lengths);
	nulls = calloc(ncols, sizeof *nulls);
	buffers = calloc(ncols, sizeof *buffers);
	if (!bind || !lengths || !nulls || !buffers) {
		result = DB_HARD;
		goto out;
	}
	for (unsigned i = 0; i < ncols; i++) {
		unsigned long size = fields[i].max_length < DB_MIN_COLUMN_BUFFER ? DB_MIN_COLUMN_BUFFER
										  : fields[i].max_length;
		buffers[i] = malloc(size + 1);
		if (!buffers[i]) {
			result = DB_HARD;
			goto out;
		}
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = buffers[i];
		bind[i].buffer_length = size + 1;
		bind[i].length = &lengths[i];
		bind[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		result = classify(db, mysql_stmt_errno(st), stmt_name(id), mysql_stmt_error(st));
		goto out;
	}
	struct db_row row = {bind, lengths, nulls, ncols};
	long long count = 0;
	int rc;
	while ((rc = mysql_stmt_fetch(st)) == 0) {
		for (unsigned i = 0; i < ncols; i++)
			buffers[i][nulls[i] ? 0 : lengths[i]] = '\0';
		count++;
		if (cb) {
			int stop = cb(cls, &row);
			if (stop) {
				result = stop;
				goto out;
			}
		}
	}
	if (rc == MYSQL_DATA_TRUNCATED) {
		log_err("%s: column data truncated", stmt_name(id));
		result = DB_HARD;
	} else if (rc != MYSQL_NO_DATA) {
		result = classify(db, mysql_stmt_errno(st), stmt_name(id), mysql_stmt_error(st));
	} else {
		result = count;
	}
out:
	mysql_stmt_free_result(st);
	if (buffers)
		for (unsigned i = 0; i < ncols; i++)
			free(buffers[i]);
	free(buffers);
	free(nulls);
	free(lengths);
	free(bind);
	mysql_free_result(meta);
	return result;
}

static long long run(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs, bool select,
		     db_row_fn cb, void *cls, long long *insert_id)
{
	if ((unsigned)id >= STMT__MAX || nargs > DB_MAX_ARGS) {
		log_err("%s: %zu parameters, at most %d", (unsigned)id < STMT__MAX ? stmt_name(id) : "?", nargs, DB_MAX_ARGS);
		return DB_HARD;
	}
	/* A new connection would run the rest of a lost transaction's statements on their own. */
	if (db->in_tx && db->tx_lost)
		return DB_UNAVAILABLE;
	for (int attempt = 0; attempt < 2; attempt++) {
		long long status = DB_HARD;
		if (ensure_connected(db) < 0)
			return DB_UNAVAILABLE;
		MYSQL_STMT *st = get_stmt(db, id, &status);
		if (st) {
			MYSQL_BIND in[DB_MAX_ARGS];
			my_bool null_flag = 1;
			memset(in, 0, sizeof in);
			for (size_t i = 0; i < nargs; i++) {
				switch (args[i].type) {
				case DBT_NULL:
					in[i].buffer_type = MYSQL_TYPE_NULL;
					in[i].is_null = &null_flag;
					break;
				case DBT_STR:
					in[i].buffer_type = MYSQL_TYPE_STRING;
					in[i].buffer = (void *)args[i].s;
					in[i].buffer_length = args[i].len;
					in[i].length = (unsigned long *)&args[i].len;
					break;
				case DBT_INT:
					in[i].buffer_type = MYSQL_TYPE_LONGLONG;
					in[i].buffer = (void *)&args[i].i;
					break;
				}
			}
			if (mysql_stmt_param_count(st) != nargs) {
				log_err("%s: expects %lu parameters, got %zu", stmt_name(id), mysql_stmt_param_count(st),
					nargs);
				return DB_HARD;
			}
			metrics_db_statement();
			metrics_db_round_trip();
			if ((nargs && mysql_stmt_bind_param(st, in) != 0) || mysql_stmt_execute(st) != 0)
				status = classify(db, mysql_stmt_errno(st), stmt_name(id), mysql_stmt_error(st));
			else if (select)
				status = fetch_rows(db, id, st, cb, cls);
			else {
				status = (long long)mysql_stmt_affected_rows(st);
				if (insert_id)
					*insert_id = (long long)mysql_stmt_insert_id(st);
			}
		}
		if (status < 0 && status != DB_UNAVAILABLE && db->stmts[id]) {
			/* A statement that failed mid-way (a deadlock while reading rows) can leave
			 * the connection out of step; a fresh one is prepared next time. */
			mysql_stmt_close(db->stmts[id]);
			db->stmts[id] = NULL;
		}
		if (status != DB_UNAVAILABLE)
			return status;
		bool was_in_tx = db->in_tx;
		drop_connection(db);
		/* Outside a transaction nothing is lost by running the statement again. */
		if (was_in_tx)
			return DB_UNAVAILABLE;
	}
	return DB_UNAVAILABLE;
}

long long db_query(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs, db_row_fn cb,
		   void *cls)
{
	return run(db, id, args, nargs, true, cb, cls, NULL);
}

long long db_exec(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs)
{
	return run(db, id, args, nargs, false, NULL, NULL, NULL);
}

long long db_exec_insert_id(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs,
			    long long *insert_id)
{
	return run(db, id, args, nargs, false, NULL, NULL, insert_id);
}

enum app_err db_app_err(long long status)
{
	if (status >= 0)
		return APP_OK;
	switch (status) {
	case DB_SOFT:
		return APP_RETRY;
	case DB_CONFLICT:
		return APP_CONFLICT;
	case DB_UNAVAILABLE:
		return APP_UNAVAILABLE;
	default:
		return APP_INTERNAL;
	}
}

static void tx_pause(int attempt)
{
	struct timespec ts = {0, (long)(1 + attempt * 3) * 1000000L};
	nanosleep(&ts, NULL);
}

enum app_err db_tx_run(struct db *db, const char *name, enum app_err (*cb)(struct db *db, void *cls), void *cls)
{
	enum app_err e = APP_UNAVAILABLE;
	if (db->in_tx) {
		/* The inner COMMIT or ROLLBACK would end the outer transaction half-way. */
		log_err("%s: db_tx_run called inside a transaction (a bug)", name);
		return APP_INTERNAL;
	}
	for (int attempt = 0; attempt < TX_MAX_ATTEMPTS; attempt++) {
		if (ensure_connected(db) < 0)
			return APP_UNAVAILABLE;
		/* The connection stays in autocommit mode: START TRANSACTION and COMMIT are the only
		 * two round trips a transaction adds (no autocommit switch before and after). */
		metrics_db_round_trip();
		if (mysql_real_query(db->conn, "START TRANSACTION", 17) != 0) {
			drop_connection(db);
			continue;
		}
		db->in_tx = true;
		db->tx_lost = false;
		db->tx_relay_work = false;
		e = cb(db, cls);
		if (!db->conn && e == APP_OK)
			e = APP_UNAVAILABLE; /* lost mid-way: nothing was committed */
		if (e == APP_OK) {
			metrics_db_round_trip();
			if (mysql_commit(db->conn) != 0) {
				unsigned err = mysql_errno(db->conn);
				long long st = classify(db, err, name, mysql_error(db->conn));
				db->in_tx = false;
				if (st == DB_UNAVAILABLE) {
					/* The commit may or may not have happened: never run it twice. */
					drop_connection(db);
					return APP_UNAVAILABLE;
				}
				e = st == DB_SOFT ? APP_RETRY : APP_INTERNAL;
				/* Whatever the failed COMMIT left open must not be committed below. */
				if (mysql_rollback(db->conn) != 0)
					drop_connection(db);
			}
		} else if (db->conn) {
			metrics_db_round_trip();
			if (mysql_rollback(db->conn) != 0) {
				/* What the callback did must never be committed by a later statement: close
				 * the connection instead, so the server rolls it back; the next request
				 * reconnects. */
				log_warn("%s: rollback failed: %s; dropping the connection", name, mysql_error(db->conn));
				drop_connection(db);
			}
		}
		bool lost = db->tx_lost;
		db->in_tx = false;
		db->tx_lost = false;
		if (e == APP_OK && db->tx_relay_work && db->commit_hook)
			db->commit_hook(db->commit_cls);
		db->tx_relay_work = false;
		if (e == APP_RETRY || (e == APP_UNAVAILABLE && lost)) {
			log_info("%s: retrying transaction (attempt %d)", name, attempt + 2);
			tx_pause(attempt);
			continue;
		}
		return e;
	}
	log_warn("%s: gave up after %d attempts", name, TX_MAX_ATTEMPTS);
	return e == APP_RETRY ? APP_UNAVAILABLE : e;
}

void db_note_relay_work(struct db *db)
{
	if (db->in_tx)
		db->tx_relay_work = true;
	else if (db->commit_hook)
		db->commit_hook(db->commit_cls);
}

void db_set_commit_hook(struct db *db, void (*fn)(void *cls), void *cls)
{
	db->commit_hook = fn;
	db->commit_cls = cls;
}

unsigned db_row_columns(const struct db_row *row)
{
	return row->ncols;
}

bool db_row_is_null(const struct db_row *row, unsigned col)
{
	return col >= row->ncols || row->nulls[col];
}

const char *db_row_str(const struct db_row *row, unsigned col)
{
	return db_row_is_null(row, col) ? NULL : row->bind[col].buffer;
}

unsigned long db_row_len(const struct db_row *row, unsigned col)
{
	return db_row_is_null(row, col) ? 0 : row->lengths[col];
}

long long db_row_int(const struct db_row *row, unsigned col)
{
	const char *s = db_row_str(row, col);
	return s ? strtoll(s, NULL, 10) : 0;
}

double db_row_double(const struct db_row *row, unsigned col)
{
	const char *s = db_row_str(row, col);
	return s ? strtod(s, NULL) : 0.0;
}
