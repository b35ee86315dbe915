#include "common/wake.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof sa->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa->sun_path, path, len + 1);
	return 0;
}

/* One socket per process, made on first use (a forked worker makes its own). */
static int sender = -1;
static pid_t sender_pid;

void wake_send(const char *path)
{
	struct sockaddr_un sa;
	if (!path || fill_addr(path, &sa) < 0)
		return;
	if (sender < 0 || sender_pid != getpid()) {
		sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		sender_pid = getpid();
		if (sender < 0)
			return;
	}
	static const char byte = 'w';
	(void)sendto(sender, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&sa, sizeof sa);
}

int wake_listen(const char *path)
{
	struct sockaddr_un sa;
	if (fill_addr(path, &sa) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	/* Workers run as the same user; nobody else may poke the relay. */
	mode_t old = umask(0177);
	int rc = bind(fd, (const struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

void wake_drain(int fd)
{
	char buf[64];
	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
}
