/*
 * ref_responder: the smallest useful FastCGI responder, the ceiling against
 * which bench/run measures turnero. Same shape as turnero-fcgi (a master that
 * binds a unix socket and forks single-threaded workers that loop on
 * FCGX_Accept_r), but every answer is a fixed small JSON body: no parsing, no
 * database, no allocation per request.
 *
 *   ref_responder SOCKET [WORKERS]
 *
 * SIGTERM or SIGINT stops the workers and removes the socket. Workers die
 * with the master (PR_SET_PDEATHSIG), so a killed master leaves nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define LISTEN_BACKLOG 1024

static const char reply[] = "Status: 200 OK\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: 27\r\n"
			    "\r\n"
			    "{\"status\":\"ok\",\"items\":[]}\n";

static int listen_unix(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sun.sun_path) {
		fprintf(stderr, "ref_responder: socket path too long\n");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || chmod(path, 0666) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	fprintf(stderr, "ref_responder: %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int worker(int listen_fd, pid_t parent)
{
	FCGX_Request r;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;
	/* The master blocks these for sigwait; a worker just dies on them. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	if (FCGX_InitRequest(&r, listen_fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(reply, (int)sizeof reply - 1, r.out);
		FCGX_Finish_r(&r);
	}
	FCGX_Free(&r, 1);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pids[MAX_WORKERS];
	int n = 0, workers = argc > 2 ? atoi(argv[2]) : 4, rc = 1, sig;
	if (argc < 2 || argc > 3 || workers < 1 || workers > MAX_WORKERS) {
		fprintf(stderr, "usage: ref_responder SOCKET [WORKERS (1-%d, default 4)]\n", MAX_WORKERS);
		return 2;
	}
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	int fd = listen_unix(argv[1]);
	if (fd < 0 || FCGX_Init() != 0)
		goto out;
	pid_t self = getpid();
	for (; n < workers; n++) {
		pids[n] = fork();
		if (pids[n] < 0) {
			fprintf(stderr, "ref_responder: fork: %s\n", strerror(errno));
			goto out;
		}
		if (pids[n] == 0)
			_exit(worker(fd, self));
	}
	sigwait(&stop, &sig);
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	if (fd >= 0) {
		close(fd);
		unlink(argv[1]);
	}
	return rc;
}
