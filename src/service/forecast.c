#include "service/forecast.h"

#include <limits.h>
#include <math.h>

void forecast_basis_make(const double *service_seconds, size_t n, long open_desks, long default_service_seconds,
			 struct forecast_basis *out)
{
	double sum = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (isfinite(service_seconds[i]) && service_seconds[i] >= 0) {
			sum += service_seconds[i];
			k++;
		}
	}
	out->samples = k;
	out->desks = open_desks < 1 ? 1 : open_desks;
	out->sd = 0;
	if (k == 0) {
		out->mean = default_service_seconds < 0 ? 0 : (double)default_service_seconds;
		return;
	}
	out->mean = sum / (double)k;
	if (k < 2)
		return;
	double sq = 0;
	for (size_t i = 0; i < n; i++) {
		if (isfinite(service_seconds[i]) && service_seconds[i] >= 0) {
			double d = service_seconds[i] - out->mean;
			sq += d * d;
		}
	}
	out->sd = sqrt(sq / (double)(k - 1));
}

/* Whole seconds, rounded half up, never negative, saturating. */
static long long whole_seconds(double v)
{
	if (!(v > 0))
		return 0;
	v = floor(v + 0.5);
	return v >= (double)LLONG_MAX ? LLONG_MAX : (long long)v;
}

static double centre(const struct forecast_basis *b, long long position)
{
	long desks = b->desks < 1 ? 1 : b->desks;
	return (double)position * b->mean / (double)desks;
}

long long forecast_wait(const struct forecast_basis *b, long long position)
{
	return position <= 0 ? 0 : whole_seconds(centre(b, position));
}

struct forecast_range forecast_range_of(const struct forecast_basis *b, long long position)
{
	struct forecast_range r = {0, 0};
	if (position <= 0)
		return r;
	long desks = b->desks < 1 ? 1 : b->desks;
	double c = centre(b, position);
	double spread = FORECAST_Z90 * sqrt((double)position) * b->sd / (double)desks;
	r.low = whole_seconds(c - spread);
	r.high = whole_seconds(c + spread);
	return r;
}

bool forecast_at_risk(long long now_ms, long long wait_seconds, bool has_deadline, long long deadline_ms)
{
	if (!has_deadline)
		return false;
	if (wait_seconds > (LLONG_MAX - (now_ms > 0 ? now_ms : 0)) / 1000)
		return true;
	return now_ms + wait_seconds * 1000 > deadline_ms;
}

static const char *const reason_names[REASON__MAX] = {
	[REASON_ARRIVAL] = "arrival",
	[REASON_PRIORITY] = "priority",
	[REASON_OVERDUE] = "overdue",
};

const char *forecast_reason_name(enum order_reason r)
{
	return (unsigned)r < REASON__MAX ? reason_names[r] : NULL;
}

void forecast_reasons(bool priority_policy, const long long *due_ms, const bool *overdue, size_t n,
		      enum order_reason *out)
{
	/* Walk from the back, keeping the earliest due_date of everything behind. */
	bool any_behind = false;
	long long earliest_behind = 0;
	for (size_t k = n; k-- > 0;) {
		if (!priority_policy)
			out[k] = REASON_ARRIVAL;
		else if (overdue[k])
			out[k] = REASON_OVERDUE;
		else if (any_behind && earliest_behind < due_ms[k])
			out[k] = REASON_PRIORITY;
		else
			out[k] = REASON_ARRIVAL;
		if (!any_behind || due_ms[k] < earliest_behind)
			earliest_behind = due_ms[k];
		any_behind = true;
	}
}
