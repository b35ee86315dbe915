/*
 * A queue's booking schedule and its slot grid (SPEC 9), as pure functions: no I/O, no
 * SQL, no JSON, no allocation. Wall-clock times are in the process's local time zone,
 * which svc_app_open sets to [queue] timezone (tests set TZ themselves).
 *
 * The grid of a service day: for each hours entry of that weekday, slots start at `from`
 * and follow each other every slot_minutes; a remainder shorter than a slot before `to`
 * is no slot. A closed date has no slots. A wall-clock start that does not exist that day
 * (skipped by a DST change) is no slot; an ambiguous one (repeated by a DST change) is its
 * first occurrence. A slot ends slot_minutes after its start.
 */
#ifndef TURNERO_SVC_SLOTS_H
#define TURNERO_SVC_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define SCHED_MAX_HOURS 64   /* hours entries per schedule */
#define SCHED_MAX_CLOSED 400 /* closed dates per schedule */
#define SCHED_MAX_DAY_SLOTS (24 * 60 / 5) /* slots a day can hold at the shortest slot */

struct sched_hours {
	int weekday;  /* 1 = Monday .. 7 = Sunday */
	int from_min; /* minutes after midnight, 0..1439 */
	int to_min;   /* 1..1440 (24:00 = end of day); > from_min */
};

struct schedule {
	int slot_minutes;       /* 5-240 */
	int capacity;           /* 1-100 */
	int weeks_ahead;        /* 1-26 */
	int late_grace_minutes; /* 0-120 */
	size_t nhours;
	struct sched_hours hours[SCHED_MAX_HOURS];
	size_t nclosed;
	char closed[SCHED_MAX_CLOSED][11]; /* "YYYY-MM-DD", strictly valid */
};

/* The defaults of a queue without a stored schedule: 15 min, 1 per slot, 4 weeks, 10 min grace, no hours. */
void sched_defaults(struct schedule *s);

/* "HH:MM" with 00 <= HH <= 23, 00 <= MM <= 59 -> minutes; allow_2400 also takes "24:00". */
bool sched_parse_hhmm(const char *s, bool allow_2400, int *minutes);
/* Writes "HH:MM" (minutes 0..1440) into out[6]. */
void sched_format_hhmm(int minutes, char out[6]);

/* A strict calendar date "YYYY-MM-DD" (1970-9999, real month lengths and leap years). */
bool sched_parse_date(const char *s, int *y, int *m, int *d);

/* ISO weekday (1 = Monday .. 7 = Sunday) of a calendar date. */
int sched_weekday(int y, int m, int d);

/* Day count between two valid dates (b - a). */
long sched_days_between(int ay, int am, int ad, int by, int bm, int bd);

/* Adds days to a valid date in place. */
void sched_add_days(int *y, int *m, int *d, long days);

/*
 * The start times (unix seconds, ascending, no duplicates) of the slots of local date
 * y-m-d under s, at most max of them written to starts. Returns how many there are.
 */
size_t sched_day_slots(const struct schedule *s, int y, int m, int d, time_t *starts, size_t max);

/*
 * true when start begins a slot of s (on its local date); *end (may be NULL) gets its end.
 */
bool sched_is_slot_start(const struct schedule *s, time_t start, time_t *end);

/* The local date of t as "YYYY-MM-DD". */
void sched_local_date(time_t t, char out[11]);

/*
 * Checks a schedule's values; each problem is reported through add(cls, field, message)
 * with field "slot_minutes", "capacity", "weeks_ahead", "late_grace_minutes",
 * "hours[N]" or "closed_dates[N]" (overlapping hours of one weekday are refused).
 * Returns true when there was none.
 */
bool sched_check(const struct schedule *s, void (*add)(void *cls, const char *field, const char *message),
		 void *cls);

/*
 * Storage form (one text column each): hours "D HH:MM HH:MM" joined by ","; closed dates
 * joined by ",". encode writes at most len bytes (NUL included) and returns -1 when that
 * is too small; decode returns -1 on text of another shape (and leaves s's lists empty).
 */
int sched_encode_hours(const struct schedule *s, char *out, size_t len);
int sched_encode_closed(const struct schedule *s, char *out, size_t len);
int sched_decode(struct schedule *s, const char *hours, const char *closed);

/* Bytes the storage forms can need. */
#define SCHED_HOURS_TEXT_MAX (SCHED_MAX_HOURS * 16 + 1)
#define SCHED_CLOSED_TEXT_MAX (SCHED_MAX_CLOSED * 11 + 1)

#endif
