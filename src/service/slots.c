#include "service/slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sched_defaults(struct schedule *s)
{
	memset(s, 0, sizeof *s);
	s->slot_minutes = 15;
	s->capacity = 1;
	s->weeks_ahead = 4;
	s->late_grace_minutes = 10;
}

static bool two_digits(const char *p, int *v)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

bool sched_parse_hhmm(const char *s, bool allow_2400, int *minutes)
{
	int h, m;
	if (!s || strlen(s) != 5 || s[2] != ':' || !two_digits(s, &h) || !two_digits(s + 3, &m))
		return false;
	if (allow_2400 && h == 24 && m == 0) {
		*minutes = 1440;
		return true;
	}
	if (h > 23 || m > 59)
		return false;
	*minutes = h * 60 + m;
	return true;
}

void sched_format_hhmm(int minutes, char out[6])
{
	if (minutes < 0 || minutes > 1440)
		minutes = 0;
	snprintf(out, 6, "%02d:%02d", minutes / 60, minutes % 60);
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool sched_parse_date(const char *s, int *y, int *m, int *d)
{
	int hi, lo, mo, da;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !two_digits(s, &hi) || !two_digits(s + 2, &lo) ||
	    !two_digits(s + 5, &mo) || !two_digits(s + 8, &da))
		return false;
	int yr = hi * 100 + lo;
	if (yr < 1970 || mo < 1 || mo > 12 || da < 1 || da > month_days(yr, mo))
		return false;
	*y = yr;
	*m = mo;
	*d = da;
	return true;
}

/* Days since 1970-01-01 of a valid date (Howard Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yr = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yr + (*m <= 2));
}

int sched_weekday(int y, int m, int d)
{
	long z = days_from_civil(y, m, d); /* 1970-01-01 was a Thursday (4) */
	long w = (z % 7 + 7 + 3) % 7;      /* 0 = Monday */
	return (int)w + 1;
}

long sched_days_between(int ay, int am, int ad, int by, int bm, int bd)
{
	return days_from_civil(by, bm, bd) - days_from_civil(ay, am, ad);
}

void sched_add_days(int *y, int *m, int *d, long days)
{
	civil_from_days(days_from_civil(*y, *m, *d) + days, y, m, d);
}

static bool is_closed(const struct schedule *s, int y, int m, int d)
{
	char date[11];
	snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
	for (size_t i = 0; i < s->nclosed; i++)
		if (strcmp(s->closed[i], date) == 0)
			return true;
	return false;
}

/* The unix time of local wall-clock y-m-d minutes, or -1 when that time does not exist. */
static time_t local_time(int y, int m, int d, int minutes)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = minutes / 60;
	tm.tm_min = minutes % 60;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	/* A skipped wall-clock time comes back normalised to another one. */
	if (tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d || tm.tm_hour != minutes / 60 ||
	    tm.tm_min != minutes % 60)
		return -1;
	/* Repeated times: mktime may pick either; take the earlier instant if it shows the same clock. */
	time_t earlier = t - 3600;
	struct tm e;
	if (localtime_r(&earlier, &e) && e.tm_year == tm.tm_year && e.tm_mon == tm.tm_mon &&
	    e.tm_mday == tm.tm_mday && e.tm_hour == tm.tm_hour && e.tm_min == tm.tm_min)
		return earlier;
	return t;
}

static int cmp_time(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;
	return (x > y) - (x < y);
}

size_t sched_day_slots(const struct schedule *s, int y, int m, int d, time_t *starts, size_t max)
{
	time_t all[SCHED_MAX_DAY_SLOTS * 2];
	size_t n = 0;
	if (s->slot_minutes <= 0 || is_closed(s, y, m, d))
		return 0;
	int wd = sched_weekday(y, m, d);
	for (size_t i = 0; i < s->nhours; i++) {
		const struct sched_hours *h = &s->hours[i];
		if (h->weekday != wd)
			continue;
		for (int t = h->from_min; t + s->slot_minutes <= h->to_min && n < sizeof all / sizeof all[0];
		     t += s->slot_minutes) {
			time_t at = local_time(y, m, d, t);
			if (at != (time_t)-1)
				all[n++] = at;
		}
	}
	qsort(all, n, sizeof all[0], cmp_time);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && all[i] == all[i - 1])
			continue;
		if (out < max && starts)
			starts[out] = all[i];
		out++;
	}
	return out;
}

bool sched_is_slot_start(const struct schedule *s, time_t start, time_t *end)
{
	struct tm tm;
	if (!localtime_r(&start, &tm))
		return false;
	time_t day[SCHED_MAX_DAY_SLOTS * 2];
	size_t n = sched_day_slots(s, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, day, sizeof day / sizeof day[0]);
	for (size_t i = 0; i < n && i < sizeof day / sizeof day[0]; i++) {
		if (day[i] == start) {
			if (end)
				*end = start + (time_t)s->slot_minutes * 60;
			return true;
		}
	}
	return false;
}

void sched_local_date(time_t t, char out[11])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

bool sched_check(const struct schedule *s, void (*add)(void *cls, const char *field, const char *message),
		 void *cls)
{
	bool ok = true;
	char field[48];
	if (s->slot_minutes < 5 || s->slot_minutes > 240)
		ok = false, add(cls, "slot_minutes", "must be 5-240");
	if (s->capacity < 1 || s->capacity > 100)
		ok = false, add(cls, "capacity", "must be 1-100");
	if (s->weeks_ahead < 1 || s->weeks_ahead > 26)
		ok = false, add(cls, "weeks_ahead", "must be 1-26");
	if (s->late_grace_minutes < 0 || s->late_grace_minutes > 120)
		ok = false, add(cls, "late_grace_minutes", "must be 0-120");
	for (size_t i = 0; i < s->nhours; i++) {
		const struct sched_hours *h = &s->hours[i];
		snprintf(field, sizeof field, "hours[%zu]", i);
		if (h->weekday < 1 || h->weekday > 7) {
			ok = false, add(cls, field, "weekday must be 1 (Monday) to 7 (Sunday)");
		} else if (h->from_min < 0 || h->from_min > 1439 || h->to_min < 1 || h->to_min > 1440 ||
			   h->from_min >= h->to_min) {
			ok = false, add(cls, field, "from and to must be times HH:MM with from before to");
		} else {
			for (size_t j = 0; j < i; j++) {
				const struct sched_hours *o = &s->hours[j];
				if (o->weekday == h->weekday && o->from_min < h->to_min && h->from_min < o->to_min) {
					ok = false, add(cls, field, "overlaps another entry of the same weekday");
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < s->nclosed; i++) {
		int y, m, d;
		snprintf(field, sizeof field, "closed_dates[%zu]", i);
		if (!sched_parse_date(s->closed[i], &y, &m, &d))
			ok = false, add(cls, field, "must be a real date YYYY-MM-DD");
	}
	return ok;
}

int sched_encode_hours(const struct schedule *s, char *out, size_t len)
{
	size_t used = 0;
	if (!len)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < s->nhours; i++) {
		char from[6], to[6];
		sched_format_hhmm(s->hours[i].from_min, from);
		sched_format_hhmm(s->hours[i].to_min, to);
		int w = snprintf(out + used, len - used, "%s%d %s %s", i ? "," : "", s->hours[i].weekday, from, to);
		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

int sched_encode_closed(const struct schedule *s, char *out, size_t len)
{
	size_t used = 0;
	if (!len)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < s->nclosed; i++) {
		int w = snprintf(out + used, len - used, "%s%s", i ? "," : "", s->closed[i]);
		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

int sched_decode(struct schedule *s, const char *hours, const char *closed)
{
	s->nhours = s->nclosed = 0;
	for (const char *p = hours; p && *p;) {
		char from[6], to[6];
		int wd, n = 0;
		if (s->nhours == SCHED_MAX_HOURS || sscanf(p, "%1d %5[0-9:] %5[0-9:]%n", &wd, from, to, &n) != 3 ||
		    !sched_parse_hhmm(from, false, &s->hours[s->nhours].from_min) ||
		    !sched_parse_hhmm(to, true, &s->hours[s->nhours].to_min))
			goto bad;
		s->hours[s->nhours++].weekday = wd;
		p += n;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	for (const char *p = closed; p && *p;) {
		int y, m, d;
		if (s->nclosed == SCHED_MAX_CLOSED || strlen(p) < 10)
			goto bad;
		memcpy(s->closed[s->nclosed], p, 10);
		s->closed[s->nclosed][10] = '\0';
		if (!sched_parse_date(s->closed[s->nclosed], &y, &m, &d))
			goto bad;
		s->nclosed++;
		p += 10;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	return 0;
bad:
	s->nhours = s->nclosed = 0;
	return -1;
}
