#include "http/master.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/ids.h"
#include "common/log.h"
#include "common/metrics.h"

#define MAX_SLOTS 128            /* current and retiring workers together */
#define STOP_GRACE_SECONDS 30    /* then stragglers get SIGKILL */
#define QUICK_DEATH_US 5000000LL /* a worker that dies sooner counts as a crash loop */
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 10000
#define LISTEN_BACKLOG 1024
#define SD_LISTEN_FDS_START 3

struct slot {
	pid_t pid;          /* 0: free */
	unsigned generation;
	long long started_us;
	long long respawn_at_us; /* > 0: waiting to be respawned */
};

struct master {
	struct slot slots[MAX_SLOTS];
	unsigned generation;
	unsigned failures;  /* consecutive quick deaths */
	int listen_fd;
	struct config cfg;
	master_worker_fn worker_fn;
};

static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int listen_unix(const struct config *cfg, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *path = cfg->server.listen;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "[server] listen: socket path too long");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* A stale socket from a previous run would make bind fail. */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	mode_t old = umask(0777 & ~(mode_t)cfg->server.socket_mode);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (rc < 0 || chmod(path, (mode_t)cfg->server.socket_mode) < 0 || listen(fd, LISTEN_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "listen on %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int listen_tcp(const struct config *cfg, char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(cfg->server.listen, ':');
	if (!colon || colon == cfg->server.listen || (size_t)(colon - cfg->server.listen) >= sizeof host) {
		snprintf(err, errlen, "[server] listen: expected a socket path or host:port");
		return -1;
	}
	memcpy(host, cfg->server.listen, (size_t)(colon - cfg->server.listen));
	host[colon - cfg->server.listen] = '\0';
	/* "[::1]:9000" */
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = '\0';
		h++;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(h, colon + 1, &hints, &res);
	if (gai != 0) {
		snprintf(err, errlen, "[server] listen: %s: %s", cfg->server.listen, gai_strerror(gai));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		snprintf(err, errlen, "listen on %s: %s", cfg->server.listen, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

int master_listen(const struct config *cfg, char *err, size_t errlen, int *from_systemd)
{
	int fd;
	const char *pid_env = getenv("LISTEN_PID");
	const char *fds_env = getenv("LISTEN_FDS");
	*from_systemd = 0;
	if (pid_env && fds_env && atol(pid_env) == (long)getpid() && atoi(fds_env) >= 1) {
		fd = SD_LISTEN_FDS_START;
		*from_systemd = 1;
		/* Children must not believe the sockets are theirs to take. */
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	} else if (strchr(cfg->server.listen, '/')) {
		fd = listen_unix(cfg, err, errlen);
	} else {
		fd = listen_tcp(cfg, err, errlen);
	}
	if (fd >= 0 && set_nonblocking(fd) < 0) {
		snprintf(err, errlen, "fcntl O_NONBLOCK: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static struct slot *free_slot(struct master *m)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (m->slots[i].pid == 0 && m->slots[i].respawn_at_us == 0)
			return &m->slots[i];
	return NULL;
}

static int spawn(struct master *m, struct slot *s)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Workers must not outlive a master that was killed outright. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		log_set_role("worker");
		sigset_t none;
		sigemptyset(&none);
		sigaddset(&none, SIGCHLD);
		sigprocmask(SIG_UNBLOCK, &none, NULL);
		_exit(m->worker_fn(m->listen_fd, &m->cfg));
	}
	s->pid = pid;
	s->generation = m->generation;
	s->started_us = ids_mono_us();
	s->respawn_at_us = 0;
	return 0;
}

static void spawn_generation(struct master *m)
{
	m->generation++;
	for (long i = 0; i < m->cfg.server.workers; i++) {
		struct slot *s = free_slot(m);
		if (!s || spawn(m, s) < 0) {
			log_err("could not start worker %ld of %ld", i + 1, m->cfg.server.workers);
			break;
		}
	}
}

static void signal_generation(struct master *m, unsigned older_than, int sig)
{
	for (int i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &m->slots[i];
		if (s->generation < older_than) {
			if (s->pid > 0)
				kill(s->pid, sig);
			s->respawn_at_us = 0; /* retired slots are never respawned */
		}
	}
}

static long backoff_ms(unsigned failures)
{
	long ms = BACKOFF_MIN_MS;
	for (unsigned i = 1; i < failures && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms;
}

static void reap(struct master *m, bool stopping)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct slot *s = NULL;
		for (int i = 0; i < MAX_SLOTS; i++)
			if (m->slots[i].pid == pid)
				s = &m->slots[i];
		if (!s)
			continue;
		bool current = s->generation == m->generation;
		s->pid = 0;
		if (stopping || !current)
			continue;
		long long now = ids_mono_us();
		if (now - s->started_us < QUICK_DEATH_US)
			m->failures++;
		else
			m->failures = 0;
		long delay = backoff_ms(m->failures ? m->failures : 1);
		if (WIFSIGNALED(status))
			log_err("worker %ld killed by signal %d; respawning in %ld ms", (long)pid, WTERMSIG(status),
				delay);
		else
			log_err("worker %ld exited with status %d; respawning in %ld ms", (long)pid,
				WEXITSTATUS(status), delay);
		s->respawn_at_us = now + delay * 1000;
	}
}

static long long next_respawn(const struct master *m)
{
	long long next = 0;
	for (int i = 0; i < MAX_SLOTS; i++) {
		long long at = m->slots[i].respawn_at_us;
		if (at && (!next || at < next))
			next = at;
	}
	return next;
}

static void respawn_due(struct master *m)
{
	long long now = ids_mono_us();
	for (int i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &m->slots[i];
		if (s->respawn_at_us && s->respawn_at_us <= now && s->generation == m->generation) {
			if (spawn(m, s) == 0)
				metrics_worker_restart();
			else
				s->respawn_at_us = now + BACKOFF_MAX_MS * 1000LL;
		}
	}
}

static int live_workers(const struct master *m)
{
	int n = 0;
	for (int i = 0; i < MAX_SLOTS; i++)
		n += m->slots[i].pid > 0;
	return n;
}

static void reload(struct master *m, const char *config_path)
{
	struct config fresh;
	char err[512];
	if (config_load(&fresh, config_path, err, sizeof err) < 0) {
		log_err("reload refused, keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(fresh.server.listen, m->cfg.server.listen) != 0)
		log_warn("[server] listen changed; the new address takes effect only after a restart");
	m->cfg = fresh;
	log_set_level((enum log_level)log_level_parse(m->cfg.log.level));
	unsigned old = m->generation + 1;
	spawn_generation(m);
	/* The new generation is accepting already; the old one finishes what it holds. */
	signal_generation(m, old, SIGTERM);
	m->failures = 0;
	log_info("configuration reloaded; %ld workers replaced", m->cfg.server.workers);
}

static void stop_all(struct master *m)
{
	signal_generation(m, m->generation + 1, SIGTERM);
	long long deadline = ids_mono_us() + STOP_GRACE_SECONDS * 1000000LL;
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (live_workers(m) > 0) {
		long long left = deadline - ids_mono_us();
		if (left <= 0) {
			log_warn("workers still busy after %d s; killing them", STOP_GRACE_SECONDS);
			signal_generation(m, m->generation + 1, SIGKILL);
			deadline = ids_mono_us() + 5000000LL;
			continue;
		}
		struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
		sigtimedwait(&chld, NULL, &ts);
		reap(m, true);
	}
}

int master_run(const char *config_path, struct config *cfg, master_worker_fn worker_fn)
{
	static struct master m; /* large; static keeps it off the stack */
	char err[512];
	int from_systemd = 0;
	memset(&m, 0, sizeof m);
	m.cfg = *cfg;
	m.worker_fn = worker_fn;
	log_set_role("master");

	sigset_t handled;
	sigemptyset(&handled);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGHUP);
	sigaddset(&handled, SIGCHLD);
	sigprocmask(SIG_BLOCK, &handled, NULL);
	signal(SIGPIPE, SIG_IGN);

	m.listen_fd = master_listen(&m.cfg, err, sizeof err, &from_systemd);
	if (m.listen_fd < 0) {
		log_err("%s", err);
		return 1;
	}
	log_info("listening on %s; %ld workers", from_systemd ? "the systemd socket" : m.cfg.server.listen,
		 m.cfg.server.workers);
	spawn_generation(&m);

	for (;;) {
		siginfo_t info;
		long long due = next_respawn(&m);
		int sig;
		if (due) {
			long long left = due - ids_mono_us();
			if (left < 0)
				left = 0;
			struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
			sig = sigtimedwait(&handled, &info, &ts);
		} else {
			sig = sigwaitinfo(&handled, &info);
		}
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("stopping: waiting for workers to finish their requests");
			break;
		}
		if (sig == SIGHUP)
			reload(&m, config_path);
		else if (sig == SIGCHLD)
			reap(&m, false);
		respawn_due(&m);
	}
	stop_all(&m);
	close(m.listen_fd);
	if (!from_systemd && strchr(m.cfg.server.listen, '/'))
		unlink(m.cfg.server.listen);
	log_info("stopped");
	return 0;
}
