#include "service/appointment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify/notify.h"
#include "repo/db.h"
#include "repo/queue_repo.h"
#include "repo/ticket_repo.h"
#include "repo/webhook_repo.h"

#define DAY_SECONDS 86400LL
#define AVAILABILITY_MAX_DAYS 31

bool svc_parse_rfc3339(const char *s, long long *unix_seconds)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return false;
	char date[11];
	int cy, cm, cd;
	snprintf(date, sizeof date, "%.10s", s);
	if (!sched_parse_date(date, &cy, &cm, &cd) || h > 23 || mi > 59 || sec > 59 || s[13] != ':' || s[16] != ':')
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++)
			if (*p != '0')
				return false; /* a slot starts on a whole second */
	}
	long long offset = 0;
	if (*p == 'Z' && p[1] == '\0') {
		offset = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59)
			return false;
		offset = (oh * 60LL + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*unix_seconds = (long long)timegm(&tm) - offset;
	return true;
}

/* The stored schedule decoded over the defaults; 1 stored, 0 defaults, < 0 db error. */
static long long load_schedule(struct db *db, const char *queue_id, struct schedule *s)
{
	struct schedule_rec rec;
	sched_defaults(s);
	long long rc = repo_schedule_get(db, queue_id, &rec);
	if (rc > 0) {
		s->slot_minutes = rec.slot_minutes;
		s->capacity = rec.capacity;
		s->weeks_ahead = rec.weeks_ahead;
		s->late_grace_minutes = rec.late_grace_minutes;
		if (sched_decode(s, rec.hours, rec.closed) < 0)
			rc = DB_HARD;
	}
	schedule_rec_free(&rec);
	return rc;
}

static enum app_err queue_exists(struct db *db, const char *queue_id, struct queue_rec *q)
{
	long long rc = repo_queue_get_by_id(db, queue_id, q);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_schedule_get(struct svc_app *app, const char *queue_id, struct schedule *out)
{
	struct queue_rec *q = malloc(sizeof *q);
	if (!q)
		return APP_INTERNAL;
	enum app_err e = queue_exists(app->db, queue_id, q);
	free(q);
	if (e != APP_OK)
		return e;
	long long rc = load_schedule(app->db, queue_id, out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

static void add_fe(void *cls, const char *field, const char *message)
{
	field_errors_add(cls, field, "%s", message);
}

enum app_err svc_schedule_put(struct svc_app *app, const char *queue_id, const struct schedule *s,
			      struct field_errors *fe)
{
	if (!sched_check(s, add_fe, fe))
		return APP_INVALID;
	char hours[SCHED_HOURS_TEXT_MAX], closed[SCHED_CLOSED_TEXT_MAX];
	if (sched_encode_hours(s, hours, sizeof hours) < 0 || sched_encode_closed(s, closed, sizeof closed) < 0)
		return APP_INTERNAL;
	struct queue_rec *q = malloc(sizeof *q);
	if (!q)
		return APP_INTERNAL;
	enum app_err e = queue_exists(app->db, queue_id, q);
	free(q);
	if (e != APP_OK)
		return e;
	struct schedule_rec rec = {s->slot_minutes, s->capacity, s->weeks_ahead, s->late_grace_minutes, hours, closed};
	long long rc = repo_schedule_put(app->db, queue_id, &rec);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct book_tx {
	const struct config *cfg;
	const struct booking_request *b;
	struct field_errors *fe;
	struct appointment_rec *out;
	const char *why;
	struct queue_rec q;
};

/* The served priority with the highest level number (least urgent) that is active; "" when none. */
static long long least_urgent(struct db *db, const struct queue_rec *q, char out[UUID_STR_LEN])
{
	int best = -1;
	out[0] = '\0';
	for (size_t i = 0; i < q->npriorities; i++) {
		int level = 0, max_wait = 0;
		bool active = false;
		long long rc = repo_ticket_priority_info(db, q->priority_ids[i], &level, &max_wait, &active);
		if (rc < 0)
			return rc;
		if (rc > 0 && active && level > best) {
			best = level;
			snprintf(out, UUID_STR_LEN, "%s", q->priority_ids[i]);
		}
	}
	return 0;
}

static enum app_err book_in_tx(struct db *db, void *cls)
{
	struct book_tx *t = cls;
	const struct booking_request *b = t->b;
	struct field_errors *fe = t->fe;
	t->why = NULL;
	long long rc = repo_queue_get_by_id(db, b->queue_id, &t->q);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0) {
		field_errors_add(fe, "queue_id", "does not name a queue");
		return APP_INVALID;
	}

	char priority[UUID_STR_LEN];
	if (b->priority_id) {
		int level = 0, max_wait = 0;
		bool active = false, serves = false;
		rc = repo_ticket_priority_info(db, b->priority_id, &level, &max_wait, &active);
		if (rc < 0)
			return db_app_err(rc);
		for (size_t i = 0; i < t->q.npriorities; i++)
			serves = serves || strcmp(t->q.priority_ids[i], b->priority_id) == 0;
		if (rc == 0 || !active)
			field_errors_add(fe, "priority_id", "does not name an active priority");
		else if (!serves)
			field_errors_add(fe, "priority_id", "is not served by this queue");
		snprintf(priority, sizeof priority, "%s", b->priority_id);
	} else {
		rc = least_urgent(db, &t->q, priority);
		if (rc < 0)
			return db_app_err(rc);
		if (!priority[0]) {
			t->why = "This queue serves no active priority.";
			return APP_CONFLICT;
		}
	}

	struct schedule s;
	rc = load_schedule(db, b->queue_id, &s);
	if (rc < 0)
		return db_app_err(rc);
	time_t end = 0;
	long long now = (long long)time(NULL);
	if (!b->start_valid)
		field_errors_add(fe, "start", "must be an RFC 3339 time on a whole second");
	else if (!sched_is_slot_start(&s, (time_t)b->start, &end))
		field_errors_add(fe, "start", "does not begin a slot of the queue's schedule");
	else if (b->start <= now)
		field_errors_add(fe, "start", "must lie in the future");
	else if (b->start > now + s.weeks_ahead * 7 * DAY_SECONDS)
		field_errors_add(fe, "start", "must lie within %d weeks", s.weeks_ahead);

	char customer_id[UUID_STR_LEN] = "";
	if (b->customer_id) {
		bool state = false;
		rc = repo_ticket_customer_state(db, b->customer_id, &state);
		if (rc < 0)
			return db_app_err(rc);
		if (rc == 0 || !state)
			field_errors_add(fe, "customer_id", "does not name an active customer");
		snprintf(customer_id, sizeof customer_id, "%s", b->customer_id);
	}
	if (fe->n)
		return APP_INVALID;
	if (t->q.state == QUEUE_CLOSED) {
		t->why = "The queue is closed.";
		return APP_CONFLICT;
	}

	char service_date[11];
	sched_local_date((time_t)b->start, service_date);
	if (b->one_per_contact_and_day) {
		/* Self-service bookings of a queue take turns here, so two at once cannot both pass. */
		rc = repo_schedule_lock(db, b->queue_id);
		if (rc < 0)
			return db_app_err(rc);
		const struct customer_input *c = b->customer;
		long long held = 0;
		rc = repo_appointment_held_by_contact(db, b->queue_id, service_date, c && c->dni && *c->dni ? c->dni : NULL,
						      c && c->email && *c->email ? c->email : NULL,
						      c && c->phone && *c->phone ? c->phone : NULL, &held);
		if (rc < 0)
			return db_app_err(rc);
		if (held > 0) {
			t->why = "This person already holds a booking in this queue on that day.";
			return APP_CONFLICT;
		}
	}
	if (b->customer) {
		struct customer_rec rec;
		bool created = false;
		enum app_err e = svc_customer_upsert_by_dni(db, b->customer, &rec, &created);
		if (e != APP_OK)
			return e;
		snprintf(customer_id, sizeof customer_id, "%s", rec.id);
	}

	/* The slot discipline: lock the slot's row, count its places, then insert. */
	rc = repo_slot_lock(db, b->queue_id, b->start);
	long long taken = 0;
	if (rc >= 0)
		rc = repo_slot_taken(db, b->queue_id, b->start, &taken);
	if (rc < 0)
		return db_app_err(rc);
	if (taken >= s.capacity) {
		t->why = "This slot is fully booked.";
		return APP_CONFLICT;
	}
	struct appointment_rec *a = t->out;
	memset(a, 0, sizeof *a);
	ids_uuid_v4(a->id);
	snprintf(a->queue_id, sizeof a->queue_id, "%s", b->queue_id);
	snprintf(a->priority_id, sizeof a->priority_id, "%s", priority);
	snprintf(a->customer_id, sizeof a->customer_id, "%s", customer_id);
	a->start = b->start;
	a->end = (long long)end;
	snprintf(a->service_date, sizeof a->service_date, "%s", service_date);
	a->late_grace_minutes = s.late_grace_minutes;
	rc = repo_appointment_insert(db, a);
	if (rc >= 0)
		rc = repo_appointment_get(db, a->id, false, a);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0)
		return APP_INTERNAL;
	/* Notifications (SPEC 12): the `booked` rows commit with the booking or not at all. */
	enum app_err e = notify_appointment_booked(db, t->cfg, a->id, b->notify, b->confirm_by_email, fe);
	if (e != APP_OK)
		return e;
	/* So do its webhook deliveries (SPEC 11). */
	rc = repo_delivery_for_appointment(db, a->id, "booked");
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_appointment_book(struct svc_app *app, const struct booking_request *b, struct field_errors *fe,
				  struct appointment_rec *out, const char **why)
{
	struct book_tx *t = calloc(1, sizeof *t);
	if (!t)
		return APP_INTERNAL;
	t->cfg = app->cfg;
	t->b = b;
	t->fe = fe;
	t->out = out;
	enum app_err e = db_tx_run(app->db, "appointment book", book_in_tx, t);
	*why = t->why;
	free(t);
	return e;
}

enum app_err svc_appointment_get(struct svc_app *app, const char *id, struct appointment_rec *out)
{
	long long rc = repo_appointment_get(app->db, id, false, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_appointment_list(struct svc_app *app, const struct appointment_filter *f,
				  struct appointment_list *out, long long *total)
{
	long long rc = repo_appointment_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct cancel_tx {
	const char *id;
	bool before_start;
	struct appointment_rec *out;
};

static enum app_err cancel_in_tx(struct db *db, void *cls)
{
	struct cancel_tx *t = cls;
	long long rc = repo_appointment_get(db, t->id, true, t->out);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	if (strcmp(t->out->status, "booked") != 0 || (t->before_start && (long long)time(NULL) >= t->out->start))
		return APP_CONFLICT;
	rc = repo_appointment_set_status(db, t->id, "booked", "cancelled");
	if (rc == 0)
		return APP_CONFLICT;
	if (rc > 0)
		rc = repo_delivery_for_appointment(db, t->id, "cancelled");
	if (rc >= 0)
		rc = repo_appointment_get(db, t->id, false, t->out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_appointment_cancel(struct svc_app *app, const char *id, bool before_start,
				    struct appointment_rec *out)
{
	struct cancel_tx t = {id, before_start, out};
	return db_tx_run(app->db, "appointment cancel", cancel_in_tx, &t);
}

struct check_in {
	const char *id;
	struct appointment_rec a;
	char due[24]; /* DATETIME(3) text of the slot start, or "" (now) */
};

/* First inside the registration's transaction: lock the appointment and fill in the request. */
static enum app_err check_in_begin(struct db *db, void *cls, struct ticket_request *r)
{
	struct check_in *c = cls;
	long long rc = repo_appointment_get(db, c->id, true, &c->a);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	char today[11];
	svc_service_date(today);
	if (strcmp(c->a.status, "booked") != 0 || strcmp(c->a.service_date, today) != 0)
		return APP_CONFLICT;
	long long now = (long long)time(NULL);
	c->due[0] = '\0';
	if (now <= c->a.start + c->a.late_grace_minutes * 60LL) {
		time_t start = (time_t)c->a.start;
		struct tm tm;
		gmtime_r(&start, &tm);
		strftime(c->due, sizeof c->due, "%Y-%m-%d %H:%M:%S.000", &tm);
	}
	r->priority_id = c->a.priority_id;
	r->customer_id = c->a.customer_id;
	r->queue_id = c->a.queue_id;
	r->due_date = c->due[0] ? c->due : NULL;
	return APP_OK;
}

static enum app_err check_in_done(struct db *db, void *cls, const struct ticket_rec *t)
{
	struct check_in *c = cls;
	long long rc = repo_appointment_check_in(db, c->id, t->id);
	if (rc == 0)
		return APP_CONFLICT;
	if (rc > 0)
		rc = repo_delivery_for_appointment(db, c->id, "checked_in");
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_appointment_check_in(struct svc_app *app, const struct svc_actor *who, const char *id,
				      const struct notify_request *nr, struct field_errors *fe,
				      struct ticket_view *ticket)
{
	struct check_in c;
	memset(&c, 0, sizeof c);
	c.id = id;
	struct ticket_hooks hooks = {check_in_begin, check_in_done, &c};
	/* Filled in by check_in_begin from the locked appointment. */
	struct ticket_request r = {.priority_id = "", .customer_id = "", .queue_id = "", .notify = nr};
	return svc_ticket_register_hooked(app, who, &r, &hooks, fe, ticket);
}

enum app_err svc_public_queues(struct svc_app *app, struct public_queue **out, size_t *n)
{
	long long rc = repo_public_queues(app->db, out, n);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

static long long taken_at(const struct slot_taken *t, size_t n, long long start)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].start == start)
			return t[i].taken;
	return 0;
}

enum app_err svc_availability(struct svc_app *app, const char *queue_id, const char *from, const char *to,
			      struct field_errors *fe, struct slot_view **out, size_t *n)
{
	int fy = 0, fm = 0, fd = 0, ty = 0, tm = 0, td = 0;
	*out = NULL;
	*n = 0;
	bool ok_from = from && sched_parse_date(from, &fy, &fm, &fd);
	bool ok_to = to && sched_parse_date(to, &ty, &tm, &td);
	if (!from)
		field_errors_add(fe, "from", "is required (YYYY-MM-DD)");
	else if (!ok_from)
		field_errors_add(fe, "from", "must be a real date YYYY-MM-DD");
	if (!to)
		field_errors_add(fe, "to", "is required (YYYY-MM-DD)");
	else if (!ok_to)
		field_errors_add(fe, "to", "must be a real date YYYY-MM-DD");
	if (ok_from && ok_to) {
		long days = sched_days_between(fy, fm, fd, ty, tm, td);
		if (days < 0)
			field_errors_add(fe, "to", "must not be before from");
		else if (days + 1 > AVAILABILITY_MAX_DAYS)
			field_errors_add(fe, "to", "the range spans at most %d days", AVAILABILITY_MAX_DAYS);
	}
	if (fe->n)
		return APP_INVALID;
	struct queue_rec *q = malloc(sizeof *q);
	if (!q)
		return APP_INTERNAL;
	enum app_err e = queue_exists(app->db, queue_id, q);
	bool open = e == APP_OK && q->state == QUEUE_OPEN;
	free(q);
	if (e != APP_OK)
		return e;
	struct schedule s;
	long long rc = load_schedule(app->db, queue_id, &s);
	if (rc < 0)
		return db_app_err(rc);
	if (!open)
		return APP_OK; /* no slots */
	long days = sched_days_between(fy, fm, fd, ty, tm, td) + 1;
	size_t cap = (size_t)days * SCHED_MAX_DAY_SLOTS * 2;
	struct slot_view *v = calloc(cap, sizeof *v);
	time_t *day = calloc(SCHED_MAX_DAY_SLOTS * 2, sizeof *day);
	if (!v || !day) {
		free(v);
		free(day);
		return APP_INTERNAL;
	}
	long long now = (long long)time(NULL), horizon = now + s.weeks_ahead * 7 * DAY_SECONDS;
	size_t count = 0;
	int y = fy, m = fm, d = fd;
	for (long i = 0; i < days; i++) {
		size_t k = sched_day_slots(&s, y, m, d, day, SCHED_MAX_DAY_SLOTS * 2);
		for (size_t j = 0; j < k && j < SCHED_MAX_DAY_SLOTS * 2 && count < cap; j++) {
			if ((long long)day[j] <= now || (long long)day[j] > horizon)
				continue;
			v[count].start = (long long)day[j];
			v[count].end = (long long)day[j] + s.slot_minutes * 60LL;
			count++;
		}
		sched_add_days(&y, &m, &d, 1);
	}
	free(day);
	if (count) {
		struct slot_taken *taken = NULL;
		size_t nt = 0;
		rc = repo_slot_taken_range(app->db, queue_id, v[0].start, v[count - 1].start + 1, &taken, &nt);
		if (rc < 0) {
			free(v);
			return db_app_err(rc);
		}
		for (size_t i = 0; i < count; i++) {
			long long left = s.capacity - taken_at(taken, nt, v[i].start);
			v[i].free = left > 0 ? left : 0;
		}
		free(taken);
	}
	*out = v;
	*n = count;
	return APP_OK;
}

enum app_err svc_public_appointment(struct svc_app *app, const char *id, struct public_appointment *out)
{
	long long rc = repo_public_appointment(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

struct no_show_tx {
	const char *today;
	long long count;
};

static enum app_err no_show_in_tx(struct db *db, void *cls)
{
	struct no_show_tx *t = cls;
	/* Locked first, so the ones changed are exactly the ones whose webhook events are written. */
	char(*ids)[UUID_STR_LEN] = NULL;
	size_t n = 0;
	long long rc = repo_appointment_booked_before(db, t->today, &ids, &n);
	if (rc >= 0)
		rc = repo_appointment_no_show_before(db, t->today);
	if (rc >= 0)
		t->count = rc;
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		long long d = repo_delivery_for_appointment(db, ids[i], "no_show");
		if (d < 0)
			rc = d;
	}
	free(ids);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_appointment_no_show_before(struct svc_app *app, const char *today, long long *count)
{
	struct no_show_tx t = {today, 0};
	enum app_err e = db_tx_run(app->db, "appointments no-show", no_show_in_tx, &t);
	*count = t.count;
	return e;
}

enum app_err svc_report_appointments(struct svc_app *app, const char *from, const char *to,
				     struct appointment_report_row **rows, size_t *n)
{
	long long rc = repo_report_appointments(app->db, from, to, rows, n);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}
