#include "service/event.h"

#include "repo/db.h"

enum app_err svc_event_log(struct svc_app *app, long long after, long long limit, struct event_log_rec **out,
			   size_t *n)
{
	long long rc = repo_event_log(app->db, after, limit, out, n);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}
