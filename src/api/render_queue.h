/* JSON shapes of queues, tickets, events and the board; new objects the caller owns. */
#ifndef TURNERO_API_RENDER_QUEUE_H
#define TURNERO_API_RENDER_QUEUE_H

#include <json-c/json.h>
#include <stddef.h>

#include "repo/queue_repo.h"
#include "repo/ticket_repo.h"
#include "service/ticket.h"

struct json_object *render_queue(const struct queue_rec *q);
struct json_object *render_ticket(const struct ticket_view *v);
/* {low, high} of a wait range (SPEC 14). */
struct json_object *render_wait_range(const struct forecast_range *r);
struct json_object *render_events(const struct event_rec *e, size_t n);
struct json_object *render_board(const struct board_row *rows, size_t n);
struct json_object *render_public_ticket(const struct public_view *v);

#endif
