#include "harness.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/strbuf.h"

static const char *base_url;
static const char *state_dir;
static const char *stack_script;

void it_init(void)
{
	base_url = getenv("TURNERO_TEST_URL");
	state_dir = getenv("TURNERO_TEST_STATE");
	stack_script = getenv("TURNERO_TEST_STACK");
	if (!base_url || !state_dir || !stack_script) {
		fprintf(stderr, "integration tests run inside tests/integration/run-stack.sh "
				"(TURNERO_TEST_URL, TURNERO_TEST_STATE, TURNERO_TEST_STACK)\n");
		exit(1);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct buf {
	char *data;
	size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	char *p = realloc(b->data, b->len + n + 1);
	if (!p)
		return 0;
	memcpy(p + b->len, ptr, n);
	b->data = p;
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	/* A new status line starts a new header block (after 100-continue). */
	if (size * nmemb > 5 && strncmp(ptr, "HTTP/", 5) == 0)
		b->len = 0;
	return on_data(ptr, size, nmemb, userdata);
}

int it_request(const char *method, const char *path, const char *const *headers, const char *body,
	       size_t body_len, struct it_response *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	char url[2048];
	snprintf(url, sizeof url, "%s%s", base_url, path);
	struct buf bbody = {0}, bhead = {0};
	struct curl_slist *list = NULL;
	list = curl_slist_append(list, "Expect:");
	for (size_t i = 0; headers && headers[i]; i++)
		list = curl_slist_append(list, headers[i]);

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L); /* the stack's certificate is self-signed */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bbody);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &bhead);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	out->body = bbody.data ? bbody.data : strdup("");
	out->body_len = bbody.len;
	out->headers = bhead.data ? bhead.data : strdup("");
	if (out->body_len)
		out->json = json_tokener_parse(out->body);
	return rc == CURLE_OK ? 0 : -1;
}

int it_json(const char *method, const char *path, const char *token, const char *json, struct it_response *out)
{
	char auth[4096];
	const char *headers[3] = {"Content-Type: application/json", NULL, NULL};
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		headers[1] = auth;
	}
	return it_request(method, path, headers, json, json ? strlen(json) : 0, out);
}

char *it_header(const struct it_response *r, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ')
				v++;
			return strndup(v, len - (size_t)(v - line));
		}
		line = end ? end + 2 : line + len;
	}
	return NULL;
}

void it_response_free(struct it_response *r)
{
	free(r->body);
	free(r->headers);
	json_object_put(r->json);
	memset(r, 0, sizeof *r);
}

int it_stack(const char *action)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' %s '%s' >&2", stack_script, action, state_dir);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void it_relay_restart(const char *env)
{
	char cmd[4096];
	ck_assert_int_eq(it_stack("relay-stop"), 0);
	snprintf(cmd, sizeof cmd, "env %s '%s' relay-start '%s' >&2", env, stack_script, state_dir);
	int rc = system(cmd);
	ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "relay-start with %s: %d", env, rc);
}

const char *it_state_path(const char *rel)
{
	static char path[2048];
	snprintf(path, sizeof path, "%s/%s", state_dir, rel);
	return path;
}

pid_t it_master_pid(void)
{
	FILE *f = fopen(it_state_path("run/turnero-fcgi.pid"), "r");
	long pid = -1;
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

int it_worker_pids(pid_t *out, int max)
{
	pid_t master = it_master_pid();
	char path[64];
	int n = 0;
	if (master <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)master, (long)master);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long pid;
	while (n < max && fscanf(f, "%ld", &pid) == 1)
		out[n++] = (pid_t)pid;
	fclose(f);
	return n;
}

const char *it_obj_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long it_obj_int(struct json_object *o, const char *key)
{
	struct json_object *v;
	ck_assert_msg(o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int),
		      "%s is not an integer in %s", key, o ? json_object_to_json_string(o) : "(null)");
	return json_object_get_int64(v);
}

bool it_obj_null(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) && v == NULL;
}

const char *it_str(const struct it_response *r, const char *key)
{
	return it_obj_str(r->json, key);
}

void it_assert_problem(const struct it_response *r, long status)
{
	ck_assert_msg(r->status == status, "expected %ld, got %ld: %s", status, r->status, r->body);
	char *ct = it_header(r, "Content-Type");
	ck_assert_msg(ct && strcmp(ct, "application/problem+json") == 0, "problem content type, got %s",
		      ct ? ct : "(none)");
	free(ct);
	ck_assert_ptr_nonnull(r->json);
	ck_assert_ptr_nonnull(it_str(r, "type"));
	ck_assert_ptr_nonnull(it_str(r, "title"));
	ck_assert_ptr_nonnull(it_str(r, "detail"));
	struct json_object *st;
	ck_assert(json_object_object_get_ex(r->json, "status", &st));
	ck_assert_int_eq(json_object_get_int(st), status);
}

int it_admin_login(char *token, size_t len)
{
	char cmd[4608];
	snprintf(cmd, sizeof cmd,
		 "echo '%s' | '%s/turneroctl' -c '%s' create-admin --user admin --reset-password >/dev/null 2>&1",
		 IT_ADMIN_PASSWORD, getenv("TURNERO_BUILD_DIR"), it_state_path("turnero.conf"));
	if (system(cmd) != 0) {
		fprintf(stderr, "turneroctl create-admin failed\n");
		return -1;
	}
	if (it_login("admin", IT_ADMIN_PASSWORD, token, len, NULL, 0) != 200) {
		fprintf(stderr, "admin login failed\n");
		return -1;
	}
	return 0;
}

int it_create_queue(const char *token, const char *name, const char *policy, const char *priority_ids_json,
		    char *id, char *prefix)
{
	static unsigned seed;
	if (!seed)
		seed = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);
	for (int attempt = 0; attempt < 100; attempt++) {
		char body[1024];
		struct it_response r;
		seed = seed * 1103515245u + 12345u;
		snprintf(prefix, 4, "%c%c%c", 'A' + (seed >> 8) % 26, 'A' + (seed >> 16) % 26, 'A' + (seed >> 24) % 26);
		snprintf(body, sizeof body, "{\"name\":\"%s\",\"prefix\":\"%s\",\"policy\":\"%s\",\"priority_ids\":%s}",
			 name, prefix, policy, priority_ids_json);
		it_json("POST", "/api/v1/queues", token, body, &r);
		long status = r.status;
		if (status == 201)
			snprintf(id, 64, "%s", it_str(&r, "id"));
		else if (status != 409)
			fprintf(stderr, "create queue %s: %ld %s\n", name, status, r.body);
		it_response_free(&r);
		if (status == 201)
			return 0;
		if (status != 409)
			return -1;
	}
	fprintf(stderr, "create queue %s: no free prefix after 100 tries\n", name);
	return -1;
}

void it_new_queue(const char *token, const char *name, char *id)
{
	char prefix[4];
	ck_assert_int_eq(it_create_queue(token, it_unique(name), "fifo", "[\"" IT_MEDIA_PRIORITY "\"]", id, prefix), 0);
}

void it_new_ticket_of(const char *token, const char *queue_id, const char *priority_id, char *id)
{
	char body[512];
	struct it_response r;
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"queue_id\":\"%s\","
		 "\"customer\":{\"first_name\":\"Ana\",\"last_name\":\"Prueba\"}}",
		 priority_id, queue_id);
	it_json("POST", "/api/v1/tickets", token, body, &r);
	ck_assert_msg(r.status == 201, "create ticket: %ld %s", r.status, r.body);
	if (id)
		snprintf(id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

void it_new_ticket(const char *token, const char *queue_id, char *id)
{
	it_new_ticket_of(token, queue_id, IT_MEDIA_PRIORITY, id);
}

void it_call_next(const char *token, const char *queue_id)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue_id);
	it_json("POST", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "call-next: %ld %s", r.status, r.body);
	it_response_free(&r);
}

void it_rfc3339(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long long it_future_slot(int ahead)
{
	return ((long long)time(NULL) / 300 + 3 + ahead) * 300;
}

const char *it_unique(const char *base)
{
	static char bufs[8][64];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof bufs[0], "%s.%ld", base, (long)getpid() % 100000);
	return b;
}

void it_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int it_listen_loopback(int backlog, int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, backlog) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

int it_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

long long it_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long it_login(const char *user, const char *password, char *access, size_t alen, char *refresh, size_t rlen)
{
	char body[512];
	struct it_response r;
	const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	snprintf(body, sizeof body, "grant_type=password&username=%s&password=%s", user, password);
	it_request("POST", "/api/v1/auth/token", headers, body, strlen(body), &r);
	long status = r.status;
	if (status == 200) {
		if (access)
			snprintf(access, alen, "%s", it_str(&r, "access_token"));
		if (refresh)
			snprintf(refresh, rlen, "%s", it_str(&r, "refresh_token"));
	}
	it_response_free(&r);
	return status;
}

void it_assert_answer_is_stored(const struct it_response *r, const char *path, const char *token)
{
	ck_assert_ptr_nonnull(r->json);
	struct it_response now;
	it_json("GET", path, token, NULL, &now);
	ck_assert_msg(now.status == 200 && now.json, "GET %s: %ld %s", path, now.status, now.body);
	ck_assert_int_eq(json_object_object_length(now.json), json_object_object_length(r->json));
	json_object_object_foreach(r->json, key, val)
	{
		struct json_object *stored = NULL;
		ck_assert_msg(json_object_object_get_ex(now.json, key, &stored), "%s: no %s", path, key);
		ck_assert_msg(json_object_equal(val, stored), "%s: %s answered %s, stored %s", path, key,
			      json_object_to_json_string(val), json_object_to_json_string(stored));
	}
	it_response_free(&now);
}

void it_sql(const char *statement)
{
	struct strbuf cmd = STRBUF_INIT;
	strbuf_printf(&cmd, "mariadb --no-defaults --socket='%s' -uroot turnero -e \"%s\"",
		      it_state_path("run/mysql.sock"), statement);
	int rc = system(strbuf_cstr(&cmd));
	strbuf_free(&cmd);
	ck_assert_msg(rc == 0, "SQL failed: %s", statement);
}

struct json_object *it_sql_json(const char *query)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	strbuf_printf(&cmd, "mariadb --no-defaults --socket='%s' -uroot turnero -N -B -r -e \"%s\"",
		      it_state_path("run/mysql.sock"), query);
	FILE *f = popen(strbuf_cstr(&cmd), "r");
	strbuf_free(&cmd);
	ck_assert_ptr_nonnull(f);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		strbuf_append(&out, chunk, got);
	ck_assert_int_eq(pclose(f), 0);
	struct json_object *j = json_tokener_parse(strbuf_cstr(&out));
	ck_assert_msg(j, "not JSON: %s", strbuf_cstr(&out));
	strbuf_free(&out);
	return j;
}

long long it_sql_number(const char *query)
{
	struct strbuf cmd = STRBUF_INIT;
	char line[256] = "";
	strbuf_printf(&cmd, "mariadb --no-defaults --socket='%s' -uroot turnero -N -B -e \"%s\"",
		      it_state_path("run/mysql.sock"), query);
	FILE *f = popen(strbuf_cstr(&cmd), "r");
	strbuf_free(&cmd);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_int_eq(pclose(f), 0);
	return atoll(line);
}
