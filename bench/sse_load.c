/*
 * SSE load: N subscribers on one live stream (nginx + nchan on loopback) and a writer
 * changing what that stream shows; measures, for every (change, subscriber) pair, the time
 * from just before the writing request to the moment that subscriber read the change's
 * message. That bounds commit-to-subscriber latency from above (the commit happens inside
 * the request). Prints one Markdown row.
 *
 *   SSE_STREAM=queue  one queue's stream; the change is POST /tickets, the message its
 *                     "created" (default)
 *   SSE_STREAM=board  the board; the change is POST /queues/{id}/call-next (a ticket is
 *                     issued before each, untimed), the message the first board whose
 *                     "serving" names the called ticket (boards are coalesced, 4 a second)
 *
 * With SSE_WRK_SECONDS > 0 it also measures API read throughput (wrk, GET /queues with
 * the admin token, bench/get.lua, SSE_WRK_CONNS connections, SSE_WRK_SECONDS each) in
 * the order without, with, with, without the subscribers connected (the means are
 * reported, so a drift of the machine's other load cancels out), and reports nginx's (master and
 * workers) and turnero-relay's resident memory before and with the subscribers.
 *
 * Runs inside tests/integration/run-stack.sh (bench/sse_run does that):
 *   SSE_SUBSCRIBERS (default 100), SSE_TICKETS (changes, default 50), SSE_INTERVAL_MS
 *   (between changes, default 100), SSE_STREAM, SSE_WRK_SECONDS (0), SSE_WRK_CONNS (16),
 *   SSE_CONNECT_WAVE (subscribers connecting at once, default 100).
 */
#include <curl/curl.h>
#include <dirent.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tests/integration/harness.h"

#define MEDIA "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"

struct sub {
	CURL *easy;
	char *buf;
	size_t len;
	size_t scanned;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *cls)
{
	struct sub *s = cls;
	size_t n = size * nmemb;
	char *p = realloc(s->buf, s->len + n + 1);
	if (!p)
		return 0;
	memcpy(p + s->len, ptr, n);
	s->buf = p;
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : def;
}

/* VmRSS of a process in KiB, 0 when it is gone. */
static long rss_kib(long pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	long kib = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static long pid_file(const char *rel)
{
	FILE *f = fopen(it_state_path(rel), "r");
	long pid = 0;
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* CPU time (user + system) of a process in clock ticks, 0 when it is gone. */
static long cpu_ticks(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *close = strrchr(buf, ')'); /* fields 14 and 15 after the command name */
	unsigned long ut = 0, st = 0;
	if (!close || sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (long)(ut + st);
}

/* A process and its children (nginx: the master and its workers): measure(pid) summed. */
static long tree_sum(long pid, long (*measure)(long pid))
{
	long total = measure(pid);
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		long child = atol(e->d_name);
		if (child <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/stat", child);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		const char *close = strrchr(buf, ')'); /* the command name may hold spaces */
		long ppid = 0;
		if (close && sscanf(close + 2, "%*c %ld", &ppid) == 1 && ppid == pid)
			total += measure(child);
	}
	if (d)
		closedir(d);
	return total;
}

static long tree_rss_kib(long pid)
{
	return tree_sum(pid, rss_kib);
}

/* The CPU of the stack's parts and of this load tool, to see where a read phase's CPU went. */
enum { CPU_NGINX, CPU_WORKERS, CPU_MARIADB, CPU_RELAY, CPU_SELF, CPU_WRK, CPU_PARTS };
static const char *const cpu_part_names[CPU_PARTS] = {"nginx", "workers", "mariadbd", "relay", "load tool", "wrk"};
static long stack_pids[CPU_SELF];

static void cpu_sample(long out[CPU_PARTS])
{
	for (int i = 0; i < CPU_SELF; i++)
		out[i] = stack_pids[i] ? (i == CPU_NGINX || i == CPU_WORKERS ? tree_sum(stack_pids[i], cpu_ticks)
									  : cpu_ticks(stack_pids[i]))
				       : 0;
	struct rusage self, children;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children); /* the wrk runs this process waited for */
	long hz = sysconf(_SC_CLK_TCK);
	out[CPU_SELF] = (long)((self.ru_utime.tv_sec + self.ru_stime.tv_sec) * hz +
			       (self.ru_utime.tv_usec + self.ru_stime.tv_usec) * hz / 1000000);
	out[CPU_WRK] = (long)((children.ru_utime.tv_sec + children.ru_stime.tv_sec) * hz +
			      (children.ru_utime.tv_usec + children.ru_stime.tv_usec) * hz / 1000000);
}

/* The reads of one setting (without or with the subscribers) and the CPU each part used meanwhile. */
struct read_phase {
	long ticks[CPU_PARTS];
	double reads;
	int seconds;
};

/* One line on stdout: "CPU <phase>: per part, CPU seconds, share of the 2 CPUs, ms per 1,000 reads". */
static void cpu_report(const char *stream, int nsubs, const char *phase, const struct read_phase *ph)
{
	long hz = sysconf(_SC_CLK_TCK);
	printf("CPU %s:%d %s: %.0f reads in %d s;", stream, nsubs, phase, ph->reads, ph->seconds);
	for (int i = 0; i < CPU_PARTS; i++) {
		double secs = (double)ph->ticks[i] / (double)hz;
		printf(" %s %.1f%% (%.0f ms per 1000 reads)%s", cpu_part_names[i],
		       ph->seconds ? 100.0 * secs / (2.0 * ph->seconds) : 0.0, ph->reads > 0 ? 1e6 * secs / ph->reads : 0.0,
		       i + 1 < CPU_PARTS ? "," : "\n");
	}
}

/*
 * Runs wrk against GET /api/v1/queues while pumping the subscribers' transfers (multi may
 * be NULL); returns its requests per second, or -1.
 */
static double wrk_queues(const char *token, int seconds, int conns, CURLM *multi)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char lua_dir[1024], script[1100], url[512], secs[16], c[16], timeout[16];
		snprintf(lua_dir, sizeof lua_dir, "%s/bench", getenv("TURNERO_SRC_DIR"));
		snprintf(script, sizeof script, "%s/get.lua", lua_dir);
		snprintf(url, sizeof url, "%s", getenv("TURNERO_TEST_URL"));
		snprintf(secs, sizeof secs, "%ds", seconds);
		snprintf(c, sizeof c, "%d", conns);
		snprintf(timeout, sizeof timeout, "5s");
		setenv("BENCH_LUA_DIR", lua_dir, 1);
		setenv("BENCH_PATH", "/api/v1/queues", 1);
		setenv("BENCH_TOKEN", token, 1);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		/* wrk sizes its event loop for its own sockets: no inherited ones may take low numbers. */
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
		execlp("wrk", "wrk", "-t", "2", "-c", c, "-d", secs, "--timeout", timeout, "--latency", "-s", script, url,
		       (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[1024];
	double rps = -1;
	/* wrk prints at the end only; keep the subscribers read meanwhile. */
	for (;;) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (multi) {
			int running, numfds;
			/* Idle streams: wake seldom, so this process takes no CPU from the server. */
			curl_multi_perform(multi, &running);
			curl_multi_poll(multi, NULL, 0, 500, &numfds);
		} else {
			it_sleep_ms(200);
		}
	}
	while (out && fgets(line, sizeof line, out)) {
		if (getenv("SSE_WRK_VERBOSE"))
			fputs(line, stderr);
		const char *p = strstr(line, " rps=");
		if (strncmp(line, "BENCH ", 6) == 0 && p) {
			rps = atof(p + 5);
			const char *non = strstr(line, " non2xx=");
			if (non && atol(non + 8) > 0)
				fprintf(stderr, "sse_load: wrk saw non-2xx answers: %s", line);
		}
	}
	if (out)
		fclose(out);
	if (rps < 0)
		fprintf(stderr, "sse_load: wrk printed no BENCH line\n");
	else
		fprintf(stderr, "sse_load: GET /queues %s subscribers: %.0f req/s\n", multi ? "with" : "without", rps);
	return rps;
}

/* wrk_queues, with the CPU of every part over the run added to ph. */
static double measured_reads(const char *token, int seconds, int conns, CURLM *multi, struct read_phase *ph)
{
	long before[CPU_PARTS], after[CPU_PARTS];
	cpu_sample(before);
	double rps = wrk_queues(token, seconds, conns, multi);
	cpu_sample(after);
	for (int i = 0; i < CPU_PARTS; i++)
		ph->ticks[i] += after[i] - before[i];
	if (rps > 0)
		ph->reads += rps * seconds;
	ph->seconds += seconds;
	return rps;
}

/* POST path (body may be NULL); the answer's "id" into id_needle as "KEY":"ID" text. */
static int post(const char *token, const char *path, const char *body, const char *key, char *needle, size_t size)
{
	struct it_response r;
	it_json("POST", path, token, body, &r);
	int ok = r.status == 201 || r.status == 200;
	if (!ok)
		fprintf(stderr, "sse_load: POST %s: %ld %s\n", path, r.status, r.body);
	else if (needle)
		snprintf(needle, size, "%s\"%s\"", key, it_str(&r, "id"));
	it_response_free(&r);
	return ok ? 0 : -1;
}

int main(void)
{
	it_init();
	int nsubs = env_int("SSE_SUBSCRIBERS", 100);
	int nchanges = env_int("SSE_TICKETS", 50);
	int interval = env_int("SSE_INTERVAL_MS", 100);
	int wrk_secs = env_int("SSE_WRK_SECONDS", 0);
	int wrk_conns = env_int("SSE_WRK_CONNS", 16);
	const char *stream = getenv("SSE_STREAM") && *getenv("SSE_STREAM") ? getenv("SSE_STREAM") : "queue";
	bool board = strcmp(stream, "board") == 0;
	if (nsubs < 1 || nchanges < 1 || (!board && strcmp(stream, "queue") != 0))
		return 2;
	static char token[4096];
	char queue[64], prefix[4];
	if (it_admin_login(token, sizeof token) < 0 ||
	    it_create_queue(token, it_unique("sse-bench"), "fifo", "[\"" MEDIA "\"]", queue, prefix) < 0)
		return 1;
	char ticket_body[512], call_path[160];
	snprintf(ticket_body, sizeof ticket_body,
		 "{\"priority_id\":\"" MEDIA "\",\"queue_id\":\"%s\",\"customer\":{\"first_name\":\"B\",\"last_name\":\"Ench\"}}",
		 queue);
	snprintf(call_path, sizeof call_path, "/api/v1/queues/%s/call-next", queue);

	long nginx_pid = pid_file("run/nginx.pid"), relay_pid = pid_file("run/turnero-relay.pid");
	stack_pids[CPU_NGINX] = nginx_pid;
	stack_pids[CPU_WORKERS] = pid_file("run/turnero-fcgi.pid");
	stack_pids[CPU_MARIADB] = pid_file("run/mariadbd.pid");
	stack_pids[CPU_RELAY] = relay_pid;
	struct read_phase without = {{0}, 0, 0}, with = {{0}, 0, 0};
	long nginx_before = tree_rss_kib(nginx_pid), relay_before = rss_kib(relay_pid);
	/* Reads without, with, with, without (ABBA: a drift of the machine's other load cancels out). */
	double rps_without = wrk_secs > 0 ? measured_reads(token, wrk_secs, wrk_conns, NULL, &without) : -1;

	char url[512], auth[4200];
	if (board)
		snprintf(url, sizeof url, "%s/api/v1/live/board", getenv("TURNERO_TEST_URL"));
	else
		snprintf(url, sizeof url, "%s/api/v1/live/queues/%s", getenv("TURNERO_TEST_URL"), queue);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	struct curl_slist *h = curl_slist_append(NULL, "Accept: text/event-stream");
	h = curl_slist_append(h, auth);
	CURLM *multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)nsubs + 16);
	struct sub *subs = calloc((size_t)nsubs, sizeof *subs);
	for (int i = 0; i < nsubs; i++) {
		CURL *e = curl_easy_init();
		subs[i].easy = e;
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1); /* one connection each */
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 60L);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &subs[i]);
	}
	/*
	 * In waves of SSE_CONNECT_WAVE (default 100): 2,000 at the same instant overflow the
	 * workers' socket backlog with authorization subrequests and some get a 5xx (clients
	 * reconnecting after an nginx restart should spread out, too).
	 */
	int wave = env_int("SSE_CONNECT_WAVE", 100);
	int running = 0, numfds, added = 0;
	long long connect_ms = 10000 + 30LL * nsubs; /* TLS handshakes on 2 shared cores */
	long long until = it_now_ms() + connect_ms;
	for (;;) {
		curl_multi_perform(multi, &running);
		int ready = 0;
		for (int i = 0; i < added; i++) {
			long code = 0;
			curl_easy_getinfo(subs[i].easy, CURLINFO_RESPONSE_CODE, &code);
			ready += code == 200;
		}
		if (ready == nsubs)
			break;
		if (it_now_ms() > until || running < added) {
			fprintf(stderr, "sse_load: only %d of %d subscribers connected (%d transfers running)\n", ready,
				nsubs, running);
			return 1;
		}
		if (ready == added)
			for (int k = 0; k < (wave > 0 ? wave : nsubs) && added < nsubs; k++)
				curl_multi_add_handle(multi, subs[added++].easy);
		curl_multi_poll(multi, NULL, 0, 50, &numfds);
	}
	/* Everyone has read the stream's current message: only new ones count. */
	for (int s = 0; s < 20; s++) {
		curl_multi_perform(multi, &running);
		curl_multi_poll(multi, NULL, 0, 50, &numfds);
	}
	for (int i = 0; i < nsubs; i++)
		subs[i].scanned = subs[i].len;

	size_t nsamples = (size_t)nsubs * (size_t)nchanges, got = 0;
	long long *lat = calloc(nsamples, sizeof *lat);
	for (int t = 0; t < nchanges; t++) {
		char needle[200];
		long long t0;
		if (board) {
			char id[128];
			if (post(token, "/api/v1/tickets", ticket_body, "\"id\":", id, sizeof id) < 0)
				return 1;
			/* The called ticket on the board: "serving":{"ticket_id":"..."}. */
			snprintf(needle, sizeof needle, "\"serving\":{\"ticket_id\":%s", id + strlen("\"id\":"));
			t0 = it_now_ms();
			if (post(token, call_path, NULL, NULL, NULL, 0) < 0)
				return 1;
		} else {
			t0 = it_now_ms();
			if (post(token, "/api/v1/tickets", ticket_body, "\"id\":", needle, sizeof needle) < 0)
				return 1;
		}
		int seen = 0;
		char *done = calloc((size_t)nsubs, 1);
		long long deadline = t0 + 10000;
		while (seen < nsubs && it_now_ms() < deadline) {
			curl_multi_perform(multi, &running);
			for (int i = 0; i < nsubs; i++) {
				if (done[i] || !strstr(subs[i].buf ? subs[i].buf + subs[i].scanned : "", needle))
					continue;
				done[i] = 1;
				seen++;
				lat[got++] = it_now_ms() - t0;
			}
			if (seen < nsubs)
				curl_multi_poll(multi, NULL, 0, 5, &numfds);
		}
		for (int i = 0; i < nsubs; i++)
			subs[i].scanned = subs[i].len;
		free(done);
		if (seen < nsubs)
			fprintf(stderr, "sse_load: change %d reached %d of %d subscribers within 10 s\n", t, seen, nsubs);
		long long pause_until = it_now_ms() + interval;
		while (it_now_ms() < pause_until) {
			curl_multi_perform(multi, &running);
			curl_multi_poll(multi, NULL, 0, 10, &numfds);
		}
	}
	long nginx_with = tree_rss_kib(nginx_pid), relay_with = rss_kib(relay_pid);
	double rps_with = -1;
	if (wrk_secs > 0) {
		double a = measured_reads(token, wrk_secs, wrk_conns, multi, &with);
		double b = measured_reads(token, wrk_secs, wrk_conns, multi, &with);
		rps_with = a > 0 && b > 0 ? (a + b) / 2 : -1;
	}
	int still = 0;
	curl_multi_perform(multi, &running);
	still = running;
	for (int i = 0; i < nsubs; i++) {
		curl_multi_remove_handle(multi, subs[i].easy);
		curl_easy_cleanup(subs[i].easy);
		subs[i].easy = NULL;
	}
	if (wrk_secs > 0 && rps_without > 0) {
		it_sleep_ms(1000); /* nginx closes the streams */
		double d = measured_reads(token, wrk_secs, wrk_conns, NULL, &without);
		rps_without = d > 0 ? (rps_without + d) / 2 : -1;
	}

	qsort(lat, got, sizeof *lat, cmp);
	char reads[160] = "- | - | -";
	if (rps_without > 0 && rps_with > 0)
		snprintf(reads, sizeof reads, "%.0f | %.0f | %+.1f%%", rps_without, rps_with,
			 100.0 * (rps_with - rps_without) / rps_without);
	if (got)
		printf("| %s | %d | %s | %d | %zu | %lld | %lld | %lld | %lld | %s | %.1f / %.1f | %.1f / %.1f |\n", stream,
		       nsubs, getenv("TURNERO_WORKERS") ? getenv("TURNERO_WORKERS") : "?", nchanges, got, lat[got / 2],
		       lat[got * 9 / 10], lat[got * 99 / 100 < got ? got * 99 / 100 : got - 1], lat[got - 1], reads,
		       nginx_before / 1024.0, nginx_with / 1024.0, relay_before / 1024.0, relay_with / 1024.0);
	if (wrk_secs > 0) {
		cpu_report(stream, nsubs, "without", &without);
		cpu_report(stream, nsubs, "with", &with);
	}
	if (still < nsubs)
		fprintf(stderr, "sse_load: %d of %d subscribers were still connected at the end\n", still, nsubs);
	for (int i = 0; i < nsubs; i++)
		free(subs[i].buf);
	free(subs);
	free(lat);
	curl_multi_cleanup(multi);
	curl_slist_free_all(h);
	return got == nsamples && still == nsubs ? 0 : 1;
}
