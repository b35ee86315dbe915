#include "http/worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/ids.h"
#include "common/log.h"
#include "common/metrics.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char *fcgi_param(void *transport, const char *name)
{
	FCGX_Request *r = transport;
	return FCGX_GetParam(name, r->envp);
}

static int fcgi_read(void *transport, char *buf, int n)
{
	FCGX_Request *r = transport;
	return FCGX_GetStr(buf, n, r->in);
}

/* libfcgi's own printf lacks %zu and friends, so the head is formatted here. */
static void write_response(FCGX_Request *r, const struct http_request *req, const struct http_response *resp)
{
	struct strbuf head = STRBUF_INIT;
	strbuf_printf(&head, "Status: %d %s\r\n", resp->status, http_status_reason(resp->status));
	if (resp->content_type[0])
		strbuf_printf(&head, "Content-Type: %s\r\n", resp->content_type);
	strbuf_printf(&head, "X-Request-Id: %s\r\n", req->request_id);
	if (resp->headers.len)
		strbuf_append(&head, resp->headers.data, resp->headers.len);
	if (resp->status != 204 && resp->status != 304)
		strbuf_printf(&head, "Content-Length: %zu\r\n", resp->body.len);
	strbuf_puts(&head, "\r\n");
	FCGX_PutStr(strbuf_cstr(&head), (int)head.len, r->out);
	strbuf_free(&head);
	if (req->method != HTTP_HEAD && resp->body.len)
		FCGX_PutStr(resp->body.data, (int)resp->body.len, r->out);
}

static void serve_one(FCGX_Request *r, const struct worker_app *app)
{
	long long started = ids_mono_us();
	unsigned long statements, round_trips;
	metrics_db_take(&statements, &round_trips); /* what ran between requests is nobody's */
	struct http_request req;
	struct http_response resp;
	http_response_init(&resp);

	enum app_err e = http_request_init(&req, fcgi_param, fcgi_read, r);
	if (req.request_id[0] == '\0')
		ids_uuid_v4(req.request_id);
	if (e != APP_OK)
		http_response_problem(&resp, e, "The request line or headers could not be parsed.");
	else
		app->handle(&req, &resp, app->app);
	if (resp.status == 0) {
		log_err("handler for %s %s set no status", req.method_name, req.path ? req.path : "");
		http_response_problem(&resp, APP_INTERNAL, NULL);
	}
	if (resp.body.oom || resp.headers.oom) {
		http_response_free(&resp);
		http_response_problem(&resp, APP_INTERNAL, "out of memory");
	}
	write_response(r, &req, &resp);

	long long micros = ids_mono_us() - started;
	int route = resp.route_label && app->route_index ? app->route_index(resp.route_label, app->app) : -1;
	metrics_observe(route, resp.status, micros);
	metrics_db_take(&statements, &round_trips);
	metrics_observe_db(route, statements, round_trips);
	if (app->access_log)
		log_info("access %s %s %d %lldus user=%s rid=%s", req.method_name, req.path ? req.path : "-",
			 resp.status, micros, resp.user_id[0] ? resp.user_id : "-", req.request_id);
	http_request_free(&req);
	http_response_free(&resp);
}

int worker_run(int listen_fd, const struct worker_app *app)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: ppoll must return EINTR so the loop sees the flag. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	/* Signals stay blocked while a request is served; ppoll opens them only while idle. */
	sigset_t blocked, idle;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &idle);
	sigdelset(&idle, SIGTERM);
	sigdelset(&idle, SIGINT);

	if (FCGX_Init() != 0) {
		log_err("FCGX_Init failed");
		return 1;
	}
	FCGX_Request r;
	if (FCGX_InitRequest(&r, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("FCGX_InitRequest failed");
		return 1;
	}

	while (!stop_requested) {
		/* A kept-alive connection from nginx may carry the next request. */
		struct pollfd pfd = {.fd = r.ipcFd >= 0 ? r.ipcFd : listen_fd, .events = POLLIN};
		int ready = ppoll(&pfd, 1, NULL, &idle);
		if (ready < 0) {
			if (errno != EINTR) {
				log_err("ppoll: %s", strerror(errno));
				break;
			}
			continue;
		}
		if (FCGX_Accept_r(&r) < 0)
			continue; /* another worker won the connection (EAGAIN), or a client gave up */
		serve_one(&r, app);
		FCGX_Finish_r(&r);
	}
	FCGX_Finish_r(&r);
	FCGX_Free(&r, 1);
	return 0;
}
