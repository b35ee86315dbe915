/*
 * The ticket's status (SPEC 3) as an enum, with its one name table. The database and the
 * API spell it as text; repositories parse it into the enum when they read a row and
 * write its name when they bind one, and everything above compares enums.
 */
#ifndef TURNERO_TICKET_STATUS_H
#define TURNERO_TICKET_STATUS_H

#include <stdbool.h>

enum ticket_status {
	TICKET_WAITING,
	TICKET_CALLED,
	TICKET_SERVED,
	TICKET_NO_SHOW,
	TICKET_CANCELLED,
	TICKET_EXPIRED,
	TICKET_STATUS__MAX
};

/* The names by value, NULL-terminated (a JV_ENUM list). */
extern const char *const ticket_status_names[TICKET_STATUS__MAX + 1];

/*
 * The API/database spelling of s: "waiting", "called", "served", "no_show",
 * "cancelled", "expired". Returns a static string, or NULL for a value outside
 * the enum.
 */
const char *ticket_status_name(enum ticket_status s);

/* Inverse of ticket_status_name (exact, case-sensitive). Returns -1 for NULL or an unknown name. */
int ticket_status_parse(const char *s);

/* true for served, no_show, cancelled and expired, which allow no operation (SPEC 3: 409). */
bool ticket_status_is_final(enum ticket_status s);

#endif
