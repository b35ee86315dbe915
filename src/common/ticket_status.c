#include "common/ticket_status.h"

#include "common/name_table.h"

const char *const ticket_status_names[TICKET_STATUS__MAX + 1] = {
	[TICKET_WAITING] = "waiting",
	[TICKET_CALLED] = "called",
	[TICKET_SERVED] = "served",
	[TICKET_NO_SHOW] = "no_show",
	[TICKET_CANCELLED] = "cancelled",
	[TICKET_EXPIRED] = "expired",
};

const char *ticket_status_name(enum ticket_status s)
{
	return name_table_get(ticket_status_names, TICKET_STATUS__MAX, (unsigned)s);
}

int ticket_status_parse(const char *s)
{
	return name_table_find(ticket_status_names, TICKET_STATUS__MAX, s);
}

bool ticket_status_is_final(enum ticket_status s)
{
	return s == TICKET_SERVED || s == TICKET_NO_SHOW || s == TICKET_CANCELLED || s == TICKET_EXPIRED;
}
