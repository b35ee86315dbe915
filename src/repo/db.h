/*
 * One MariaDB connection per worker: lazy connect, reconnect after the server went
 * away (re-preparing statements), prepared statements only, and a transaction runner
 * that retries deadlocks. Repositories call this; nothing above them sees MYSQL.
 */
#ifndef TURNERO_DB_H
#define TURNERO_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/app_err.h"
#include "common/config.h"
#include "repo/stmt.h"

/* Negative results of db_query/db_exec; >= 0 are row counts. */
enum db_status {
	DB_UNAVAILABLE = -4, /* server unreachable or connection lost */
	DB_CONFLICT = -3,    /* unique or foreign key violation */
	DB_HARD = -2,        /* any other failure: our bug or the server's */
	DB_SOFT = -1,        /* deadlock or lock wait timeout: retry the transaction */
};

enum db_type { DBT_NULL, DBT_STR, DBT_INT };

/* The most parameters one statement binds (placement's four blocks of 13 are the most). */
#define DB_MAX_ARGS 64

/* One bound parameter; strings are borrowed for the duration of the call. */
struct db_arg {
	enum db_type type;
	const char *s;
	unsigned long len;
	long long i;
};

static inline struct db_arg db_str(const char *s)
{
	struct db_arg a = {s ? DBT_STR : DBT_NULL, s, s ? (unsigned long)strlen(s) : 0, 0};
	return a;
}

static inline struct db_arg db_strn(const char *s, size_t len)
{
	struct db_arg a = {s ? DBT_STR : DBT_NULL, s, (unsigned long)len, 0};
	return a;
}

static inline struct db_arg db_int(long long v)
{
	struct db_arg a = {DBT_INT, NULL, 0, v};
	return a;
}

static inline struct db_arg db_null(void)
{
	struct db_arg a = {DBT_NULL, NULL, 0, 0};
	return a;
}

#define DB_ARGS(...) ((const struct db_arg[]){__VA_ARGS__}), (sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_NO_ARGS NULL, 0

struct db;
struct db_row;

/* Column access for the row callback; values are borrowed until the callback returns. */
const char *db_row_str(const struct db_row *row, unsigned col); /* NULL for SQL NULL */
unsigned long db_row_len(const struct db_row *row, unsigned col);
long long db_row_int(const struct db_row *row, unsigned col);   /* 0 for SQL NULL */
double db_row_double(const struct db_row *row, unsigned col);
bool db_row_is_null(const struct db_row *row, unsigned col);
unsigned db_row_columns(const struct db_row *row);

/* Called once per row; a non-zero return stops the fetch and becomes db_query's result. */
typedef int (*db_row_fn)(void *cls, const struct db_row *row);

/* Creates an unconnected handle; the connection opens on first use. Caller frees with db_free. */
struct db *db_new(const struct config *cfg);
void db_free(struct db *db);

/* Connects if needed and checks the server answers: 0 or DB_UNAVAILABLE. */
int db_ping(struct db *db);

/*
 * Runs a SELECT; cb sees every row. Returns the number of rows, a negative db_status,
 * or the callback's non-zero value.
 */
long long db_query(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs, db_row_fn cb,
		   void *cls);

/* Runs INSERT/UPDATE/DELETE; returns affected rows or a negative db_status. */
long long db_exec(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs);

/* Like db_exec, and *insert_id gets the statement's insert id (or LAST_INSERT_ID(expr)). */
long long db_exec_insert_id(struct db *db, enum stmt_id id, const struct db_arg *args, size_t nargs,
			    long long *insert_id);

/* Maps a negative db_status (or a row count) to the service vocabulary. */
enum app_err db_app_err(long long status);

/*
 * Runs cb inside a transaction: commits when it returns APP_OK, rolls back otherwise,
 * and runs it again (at most a few times) when it returns APP_RETRY, which db_app_err
 * gives for deadlocks and for a connection lost before COMMIT. When the rollback fails
 * the connection is closed (the server then rolls back; the next call reconnects), and
 * once the connection is lost inside cb every further statement of cb fails with
 * DB_UNAVAILABLE instead of running outside the transaction. Called inside cb (nested)
 * it refuses with APP_INTERNAL and logs the bug; the outer transaction is untouched.
 */
enum app_err db_tx_run(struct db *db, const char *name, enum app_err (*cb)(struct db *db, void *cls), void *cls);

/* True while inside db_tx_run. */
bool db_in_tx(const struct db *db);

/*
 * Notes that the current transaction wrote rows turnero-relay acts on (ticket events,
 * webhook deliveries): the commit hook runs after it commits (at once outside a transaction).
 */
void db_note_relay_work(struct db *db);

/* Sets the function run after such a commit (e.g. waking the relay); NULL: none. */
void db_set_commit_hook(struct db *db, void (*fn)(void *cls), void *cls);

#endif
