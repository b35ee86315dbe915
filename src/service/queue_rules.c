#include "service/queue_rules.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/name_table.h"


static const char *const op_names[TICKET_OP__MAX] = {
	[TICKET_OP_CALL] = "call",
	[TICKET_OP_SERVE] = "serve",
	[TICKET_OP_NO_SHOW] = "no_show",
	[TICKET_OP_RECALL] = "recall",
	[TICKET_OP_CANCEL] = "cancel",
	[TICKET_OP_REQUEUE] = "requeue",
	[TICKET_OP_TRANSFER] = "transfer",
	[TICKET_OP_EXPIRE] = "expire",
};

/* ticket_events.event, as SPEC 5 lists them. */
static const char *const op_events[TICKET_OP__MAX] = {
	[TICKET_OP_CALL] = "called",
	[TICKET_OP_SERVE] = "served",
	[TICKET_OP_NO_SHOW] = "no_show",
	[TICKET_OP_RECALL] = "recalled",
	[TICKET_OP_CANCEL] = "cancelled",
	[TICKET_OP_REQUEUE] = "requeued",
	[TICKET_OP_TRANSFER] = "transferred",
	[TICKET_OP_EXPIRE] = "expired",
};

/*
 * The whole state machine as data, holding the target status + 1 so that 0,
 * what every entry left out gets, means illegal: final states have no row,
 * and an op added later is refused until someone writes its row. A transfer
 * keeps the ticket waiting (in the other queue) whether it was waiting or
 * called.
 */
#define TO(s) ((unsigned char)((s) + 1))
static const unsigned char transitions[TICKET_STATUS__MAX][TICKET_OP__MAX] = {
	[TICKET_WAITING] = {
		[TICKET_OP_CALL] = TO(TICKET_CALLED),
		[TICKET_OP_CANCEL] = TO(TICKET_CANCELLED),
		[TICKET_OP_TRANSFER] = TO(TICKET_WAITING),
		[TICKET_OP_EXPIRE] = TO(TICKET_EXPIRED),
	},
	[TICKET_CALLED] = {
		[TICKET_OP_SERVE] = TO(TICKET_SERVED),
		[TICKET_OP_NO_SHOW] = TO(TICKET_NO_SHOW),
		[TICKET_OP_RECALL] = TO(TICKET_CALLED),
		[TICKET_OP_REQUEUE] = TO(TICKET_WAITING),
		[TICKET_OP_TRANSFER] = TO(TICKET_WAITING),
		[TICKET_OP_EXPIRE] = TO(TICKET_EXPIRED),
	},
};
#undef TO

const char *ticket_op_name(enum ticket_op op)
{
	return name_table_get(op_names, NAME_TABLE_LEN(op_names), (unsigned)op);
}

bool ticket_transition(enum ticket_status from, enum ticket_op op, enum ticket_status *to)
{
	if ((unsigned)from >= TICKET_STATUS__MAX || (unsigned)op >= TICKET_OP__MAX)
		return false;
	unsigned next = transitions[from][op];
	if (next == 0)
		return false;
	if (to != NULL)
		*to = (enum ticket_status)(next - 1);
	return true;
}

const char *ticket_op_event(enum ticket_op op)
{
	return name_table_get(op_events, NAME_TABLE_LEN(op_events), (unsigned)op);
}


/* Three-way comparison without the overflow of a subtraction. */
static int cmp_ll(long long a, long long b)
{
	return (a > b) - (a < b);
}

static int compare_candidate(const struct rules_candidate *a, const struct rules_candidate *b)
{
	if (a->ahead != b->ahead)
		return a->ahead < b->ahead ? -1 : 1;
	if (a->waiting != b->waiting)
		return a->waiting < b->waiting ? -1 : 1;
	return cmp_ll(a->created_seq, b->created_seq);
}

int rules_pick_queue(const struct rules_candidate *c, size_t n)
{
	if (c == NULL || n == 0 || n > INT_MAX)
		return -1;
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (compare_candidate(&c[i], &c[best]) < 0)
			best = i;
	return (int)best;
}

long long rules_estimated_wait(size_t position, double avg_service_seconds, size_t samples,
			       long default_service_seconds)
{
	if (position == 0)
		return 0;
	double per_ticket;
	if (samples > 0 && isfinite(avg_service_seconds) && avg_service_seconds >= 0)
		per_ticket = avg_service_seconds;
	else
		per_ticket = default_service_seconds > 0 ? (double)default_service_seconds : 0;
	double total = (double)position * per_ticket + 0.5;
	/* LLONG_MAX is not exactly representable; (double)LLONG_MAX rounds up to 2^63. */
	if (total >= (double)LLONG_MAX)
		return LLONG_MAX;
	return (long long)total;
}

bool rules_prefix_valid(const char *s)
{
	if (s == NULL)
		return false;
	size_t i = 0;
	/* Not isupper(): the locale must not widen what a prefix may hold. */
	for (; s[i] != '\0'; i++)
		if (i >= 3 || s[i] < 'A' || s[i] > 'Z')
			return false;
	return i >= 1;
}

int rules_format_code(const char *prefix, long number, char *out, size_t len)
{
	if (out == NULL)
		return -1;
	if (len > 0)
		out[0] = '\0';
	if (!rules_prefix_valid(prefix) || number < 1 || len == 0)
		return -1;
	int w = snprintf(out, len, "%s-%03ld", prefix, number);
	if (w < 0 || (size_t)w >= len) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
