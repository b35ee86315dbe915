/* Integration-test helpers: HTTP through the real nginx and the stack's control script. */
#ifndef TURNERO_IT_HARNESS_H
#define TURNERO_IT_HARNESS_H

#include <check.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct it_response {
	long status;
	char *body;    /* NUL-terminated */
	size_t body_len;
	char *headers; /* the raw header block of the final response */
	struct json_object *json; /* parsed body when it is JSON, else NULL */
};

/* Reads TURNERO_TEST_URL / _STATE / _STACK; aborts the test program when they are missing. */
void it_init(void);

/*
 * Sends one request. headers: NULL-terminated "Name: value" strings, may be NULL.
 * Returns 0 when an HTTP answer arrived, -1 on a transport failure (out->status = 0).
 */
int it_request(const char *method, const char *path, const char *const *headers, const char *body,
	       size_t body_len, struct it_response *out);

/* Convenience: JSON body with Content-Type application/json (and an optional bearer token). */
int it_json(const char *method, const char *path, const char *token, const char *json, struct it_response *out);

/* The value of a response header (case-insensitive name), malloc'd, or NULL. */
char *it_header(const struct it_response *r, const char *name);

void it_response_free(struct it_response *r);

/* Runs "<stack.sh> action <state dir>"; returns its exit status. */
int it_stack(const char *action);

/* Restarts the stack's relay with env ("NAME=value ...", "" for none) in its environment:
 * other settings for the rest of a test. Fails the running test when it does not start. */
void it_relay_restart(const char *env);

/* PID of the running turnero-fcgi master, from the stack's pid file; -1 if none. */
pid_t it_master_pid(void);

/* PIDs of the master's children (the workers); returns how many were written. */
int it_worker_pids(pid_t *out, int max);

/* Path of a file inside the stack's state directory, in a static buffer. */
const char *it_state_path(const char *rel);

/* Runs SQL against the stack's database as root (fails the test when it fails); the first
 * column of the first row of a query, as a number. For setting up what the API cannot. */
void it_sql(const char *statement);
long long it_sql_number(const char *query);
/* The first value of a query's answer parsed as JSON (e.g. ANALYZE FORMAT=JSON); json_object_put it. */
struct json_object *it_sql_json(const char *query);

/* Asserts status and, for problem answers, the problem+json shape. */
void it_assert_problem(const struct it_response *r, long status);

/*
 * Asserts that the JSON object answered in r (a ticket a write returned) equals, member by
 * member, what GET path answers with token now: the write answered with the stored row.
 */
void it_assert_answer_is_stored(const struct it_response *r, const char *path, const char *token);

/* The admin password every integration program sets (turneroctl create-admin --reset-password). */
#define IT_ADMIN_PASSWORD "it-admin-password"

/*
 * Makes sure user "admin" exists with IT_ADMIN_PASSWORD, the way an operator would
 * (turneroctl create-admin, password on stdin), and logs in: the access token goes to
 * token. Returns 0, or -1 after printing why.
 */
int it_admin_login(char *token, size_t len);

/*
 * Creates a queue with a random free 3-letter prefix (several programs share one database,
 * so a prefix taken already answers 409 and the next one is tried). name must be unique.
 * Writes the new id (64 bytes) and prefix (4 bytes); returns 0 or -1 after printing why.
 */
int it_create_queue(const char *token, const char *name, const char *policy, const char *priority_ids_json,
		    char *id, char *prefix);

/* The seeded priority "Media" (sql/ seed data). */
#define IT_MEDIA_PRIORITY "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"

/* A fifo queue of priority Media named it_unique(name); its id (64 bytes) goes to id.
 * Fails the running test when the queue cannot be made. */
void it_new_queue(const char *token, const char *name, char *id);

/* Issues a ticket of priority Media in queue_id (POST /tickets, 201 or the running test
 * fails); its id (64 bytes) goes to id unless id is NULL. */
void it_new_ticket(const char *token, const char *queue_id, char *id);
/* The same with another priority. */
void it_new_ticket_of(const char *token, const char *queue_id, const char *priority_id, char *id);

/* POST /queues/{queue_id}/call-next: 200 or the running test fails. */
void it_call_next(const char *token, const char *queue_id);

/* t (seconds since the epoch) as RFC 3339 in UTC, "2026-03-02T09:30:00Z", into out. */
void it_rfc3339(long long t, char out[32]);

/* A slot start 10-15 minutes ahead (plus 5 per ahead) on the 5-minute grid of a
 * schedule open all week: seconds since the epoch. */
long long it_future_slot(int ahead);

/* base + "." + this process's id: names that do not collide across runs on one database.
 * The result lives in one of 8 rotating buffers. */
const char *it_unique(const char *base);

void it_sleep_ms(long ms);

/* Runs every test of s in this process (the tests of a program share its stack state:
 * tokens, ids, the scenario), frees the runner and answers the exit status: 0 when all passed. */
int it_run_suite(Suite *s);

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks (*port), for the local
 * receivers the tests play (webhook receivers, SMS gateways); -1 on failure. */
int it_listen_loopback(int backlog, int *port);
long long it_now_ms(void); /* monotonic */

/* Password grant; returns the status and, on 200, copies the tokens (either may be NULL). */
long it_login(const char *user, const char *password, char *access, size_t alen, char *refresh, size_t rlen);

/* A string member of the JSON body or NULL. */
const char *it_str(const struct it_response *r, const char *key);

/* Members of a JSON object o (NULL allowed): the string (NULL when absent or not a string);
 * the integer (asserted to be one); whether key is present with the value null. */
const char *it_obj_str(struct json_object *o, const char *key);
long long it_obj_int(struct json_object *o, const char *key);
bool it_obj_null(struct json_object *o, const char *key);

#endif
