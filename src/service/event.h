/* The event log (SPEC 10): every ticket event by its global seq. */
#ifndef TURNERO_SVC_EVENT_H
#define TURNERO_SVC_EVENT_H

#include <stddef.h>

#include "common/app_err.h"
#include "repo/event_repo.h"
#include "service/app.h"

/* At most limit events after seq after, oldest first. [out] out: free() it (NULL unless APP_OK). */
enum app_err svc_event_log(struct svc_app *app, long long after, long long limit, struct event_log_rec **out,
			   size_t *n);

#endif
