/*
 * The columns every ticket SELECT reads, written once (stmt.c uses TICKET_COLUMNS) beside
 * their indexes (ticket_repo.c's read_ticket uses enum ticket_col), so the two cannot drift
 * apart. Repository use only. The statements alias tickets as t and desks as d.
 */
#ifndef TURNERO_TICKET_COLUMNS_H
#define TURNERO_TICKET_COLUMNS_H

/* desk_name: the calling desk's name (d.name), or NULL in statements without the join. */
#define TICKET_COLUMNS_WITH(desk_name)                                                                          \
	"t.id, t.customer_id, t.priority_id, t.queue_id, t.service_date, t.number, t.code, t.status,"          \
	" t.created_date, t.called_date, t.served_date, t.called_by, t.updated_date, t.quoted_wait_seconds,"   \
	" t.issued_queue_id, t.desk_id, " desk_name ", t.due_date, ROUND(UNIX_TIMESTAMP(t.sla_deadline) * 1000)," \
	" t.quoted_wait_low, t.quoted_wait_high"
#define TICKET_COLUMNS TICKET_COLUMNS_WITH("d.name")

enum ticket_col {
	TC_ID,
	TC_CUSTOMER_ID,
	TC_PRIORITY_ID,
	TC_QUEUE_ID,
	TC_SERVICE_DATE,
	TC_NUMBER,
	TC_CODE,
	TC_STATUS,
	TC_CREATED_DATE,
	TC_CALLED_DATE,
	TC_SERVED_DATE,
	TC_CALLED_BY,
	TC_UPDATED_DATE,
	TC_QUOTED_WAIT_SECONDS,
	TC_ISSUED_QUEUE_ID,
	TC_DESK_ID,
	TC_DESK_NAME,
	TC_DUE_DATE,
	TC_SLA_DEADLINE_MS,
	TC_QUOTED_WAIT_LOW,
	TC_QUOTED_WAIT_HIGH,
	TC__COUNT
};

#endif
