#include "repo/migration_repo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db_internal.h"

#define MAX_SQL_FILE_BYTES (4 * 1024 * 1024)

static const char create_table_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INT UNSIGNED NOT NULL PRIMARY KEY,"
	" name VARCHAR(255) NOT NULL,"
	" applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

static int is_migration_file(const struct dirent *d)
{
	const char *n = d->d_name;
	size_t len = strlen(n);
	return len > 8 && isdigit((unsigned char)n[0]) && isdigit((unsigned char)n[1]) &&
	       isdigit((unsigned char)n[2]) && n[3] == '_' && strcmp(n + len - 4, ".sql") == 0;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_SQL_FILE_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MAX_SQL_FILE_BYTES + 1, f) : 0;
	if (!buf || ferror(f) || n > MAX_SQL_FILE_BYTES) {
		snprintf(err, errlen, "%s: unreadable or larger than %d bytes", path, MAX_SQL_FILE_BYTES);
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/*
 * Runs a prepared statement whose parameters are an integer and, if the SQL has a second
 * placeholder, a string; returns the first column of a SELECT, the affected rows otherwise, or -1.
 */
static long long run_versioned(MYSQL *conn, const char *sql, long long version, const char *name, char *err,
			       size_t errlen)
{
	long long result = -1;
	MYSQL_STMT *st = mysql_stmt_init(conn);
	if (!st)
		return -1;
	MYSQL_BIND in[2];
	memset(in, 0, sizeof in);
	unsigned long name_len = name ? (unsigned long)strlen(name) : 0;
	in[0].buffer_type = MYSQL_TYPE_LONGLONG;
	in[0].buffer = &version;
	in[1].buffer_type = MYSQL_TYPE_STRING;
	in[1].buffer = (void *)name;
	in[1].buffer_length = name_len;
	in[1].length = &name_len;
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) || mysql_stmt_bind_param(st, in) ||
	    mysql_stmt_execute(st)) {
		snprintf(err, errlen, "schema_migrations: %s", mysql_stmt_error(st));
		goto out;
	}
	if (mysql_stmt_field_count(st) == 0) {
		result = (long long)mysql_stmt_affected_rows(st);
		goto out;
	}
	long long value = 0;
	MYSQL_BIND outb;
	memset(&outb, 0, sizeof outb);
	outb.buffer_type = MYSQL_TYPE_LONGLONG;
	outb.buffer = &value;
	if (mysql_stmt_bind_result(st, &outb) || mysql_stmt_fetch(st) != 0) {
		snprintf(err, errlen, "schema_migrations: %s", mysql_stmt_error(st));
		goto out;
	}
	result = value;
out:
	mysql_stmt_close(st);
	return result;
}

/* Executes a file of statements; drains every result so errors in later statements surface. */
static int run_script(MYSQL *conn, const char *sql, char *err, size_t errlen)
{
	if (mysql_real_query(conn, sql, (unsigned long)strlen(sql)) != 0)
		goto fail;
	for (;;) {
		MYSQL_RES *res = mysql_store_result(conn);
		if (res)
			mysql_free_result(res);
		int next = mysql_next_result(conn);
		if (next == -1)
			return 0;
		if (next > 0)
			goto fail;
	}
fail:
	snprintf(err, errlen, "error %u: %s%s", mysql_errno(conn), mysql_error(conn),
		 /* ER_BINLOG_CREATE_ROUTINE_NEED_SUPER: a trigger on a server with binary logging
		  * or Galera, migrated by an account without SUPER. */
		 mysql_errno(conn) == 1419 ? " (set log_bin_trust_function_creators=1 on every node, "
					     "or migrate as an account with SUPER)"
					   : "");
	return -1;
}

int repo_migrations_apply(const struct config *cfg, const char *dir, FILE *progress, char *err, size_t errlen)
{
	struct dirent **files = NULL;
	int nfiles = -1, applied = 0, result = -1;
	MYSQL *conn = NULL;
	char password[256];
	char *sql = NULL;

	int has = db_load_password(cfg, password, sizeof password, err, errlen);
	if (has < 0)
		goto out;
	conn = db_open_connection(cfg, has ? password : NULL, CLIENT_MULTI_STATEMENTS, err, errlen);
	explicit_bzero(password, sizeof password);
	if (!conn)
		goto out;
	nfiles = scandir(dir, &files, is_migration_file, alphasort);
	if (nfiles < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (run_script(conn, create_table_sql, err, errlen) < 0)
		goto out;
	/* Two migrate runs at once would both see a version as missing. */
	if (run_versioned(conn, "SELECT GET_LOCK('turnero_migrate', ?)", 60, NULL, err, errlen) != 1) {
		snprintf(err, errlen, "another migration holds the lock");
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		const char *name = files[i]->d_name;
		long long version = strtoll(name, NULL, 10);
		long long seen = run_versioned(
			conn, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", version, NULL,
			err, errlen);
		if (seen < 0)
			goto out;
		if (seen > 0)
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, name);
		free(sql);
		sql = read_file(path, err, errlen);
		if (!sql)
			goto out;
		char why[512];
		if (run_script(conn, sql, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", name, why);
			goto out;
		}
		if (run_versioned(conn, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", version, name,
				  err, errlen) != 1)
			goto out;
		if (progress)
			fprintf(progress, "applied %s\n", name);
		applied++;
	}
	result = applied;
out:
	free(sql);
	if (files) {
		for (int i = 0; i < nfiles; i++)
			free(files[i]);
		free(files);
	}
	if (conn)
		mysql_close(conn);
	return result;
}
