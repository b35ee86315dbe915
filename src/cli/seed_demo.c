/* turneroctl seed-demo: a small office to try turnero with; running it again adds nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/customer.h"
#include "service/desk.h"
#include "service/queue.h"
#include "service/ticket.h"
#include "service/user.h"

#define ATTENDANT_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000003"
#define PRIORITY_ALTA "0b5e7d2a-5c1e-4f7a-8d3b-000000000001"
#define PRIORITY_MEDIA "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"
#define PRIORITY_BAJA "0b5e7d2a-5c1e-4f7a-8d3b-000000000003"
#define DEMO_PASSWORD "demo-attendant"

struct demo_queue {
	const char *name, *prefix;
	enum queue_policy policy;
	const char *attendant;
	const char *priorities[3];
	const char *desks[2];
};

static const struct demo_queue queues[] = {
	{"General", "A", POLICY_PRIORITY, "att.general", {PRIORITY_ALTA, PRIORITY_MEDIA, PRIORITY_BAJA},
	 {"Ventanilla 1", "Ventanilla 2"}},
	{"Caja", "C", POLICY_FIFO, "att.caja", {PRIORITY_MEDIA, PRIORITY_BAJA, NULL}, {"Caja 1", NULL}},
	{"Preferencial", "P", POLICY_PRIORITY, NULL, {PRIORITY_ALTA, NULL, NULL}, {"Preferencial 1", NULL}},
};

static const struct {
	const char *dni, *first, *last, *priority;
} visits[] = {
	{"20111222", "Ana", "Gómez", PRIORITY_MEDIA},   {"27333444", "Luis", "Pérez", PRIORITY_BAJA},
	{"30555666", "Marta", "Ruiz", PRIORITY_ALTA},   {"33777888", "Jorge", "Díaz", PRIORITY_MEDIA},
	{"35999000", "Sofía", "Castro", PRIORITY_BAJA}, {"38123456", "Pablo", "Romero", PRIORITY_MEDIA},
};

/* Creates the attendant if missing; fills id either way. */
static enum app_err ensure_attendant(struct svc_app *app, const char *name, char id[UUID_STR_LEN])
{
	struct user_filter f = {name, NULL, -1, "user_name", 1, 0};
	struct user_list l;
	long long total = 0;
	enum app_err e = svc_user_list(app, &f, &l, &total);
	if (e != APP_OK)
		return e;
	if (l.n) {
		snprintf(id, UUID_STR_LEN, "%s", l.items[0].id);
		user_list_free(&l);
		return APP_OK;
	}
	user_list_free(&l);
	struct user_input in = {.user_name = (char *)name, .first_name = (char *)"Demo", .last_name = (char *)name,
				.password = (char *)DEMO_PASSWORD, .role_id = (char *)ATTENDANT_ROLE};
	struct field_errors fe;
	struct user_rec u;
	field_errors_init(&fe);
	e = svc_user_create(app, &in, &fe, &u);
	if (e == APP_OK) {
		snprintf(id, UUID_STR_LEN, "%s", u.id);
		fprintf(stderr, "seed-demo: attendant %s (password %s)\n", name, DEMO_PASSWORD);
	}
	return e;
}

static enum app_err ensure_queue(struct svc_app *app, const struct demo_queue *d, const char *attendant_id)
{
	struct queue_input in = {0};
	struct field_errors fe;
	field_errors_init(&fe);
	in.name = strdup(d->name);
	in.prefix = strdup(d->prefix);
	in.policy = d->policy;
	in.has_policy = true;
	if (attendant_id) {
		in.user_id = strdup(attendant_id);
		in.user_id_present = true;
	}
	in.priority_ids.items = calloc(3, sizeof(char *));
	for (size_t i = 0; i < 3 && d->priorities[i] && in.priority_ids.items; i++)
		in.priority_ids.items[in.priority_ids.n++] = strdup(d->priorities[i]);
	in.priority_ids_present = true;
	struct queue_rec *q = malloc(sizeof *q);
	enum app_err e = q ? svc_queue_create(app, &in, &fe, q) : APP_INTERNAL;
	if (e == APP_OK)
		fprintf(stderr, "seed-demo: queue %s (%s-)\n", d->name, d->prefix);
	free(q);
	queue_input_free(&in);
	return e == APP_CONFLICT ? APP_OK : e; /* already there */
}

/* Creates the demo queue's desks that are missing (the queue is found by its unique name). */
static enum app_err ensure_desks(struct svc_app *app, const struct demo_queue *d)
{
	struct queue_filter f = {NULL, NULL, "created_date", 500, 0};
	struct queue_list l;
	long long total = 0;
	enum app_err e = svc_queue_list(app, &f, &l, &total);
	if (e != APP_OK)
		return e;
	char queue_id[UUID_STR_LEN] = "";
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.items[i].name, d->name) == 0)
			snprintf(queue_id, sizeof queue_id, "%s", l.items[i].id);
	queue_list_free(&l);
	for (size_t i = 0; e == APP_OK && queue_id[0] && i < 2 && d->desks[i]; i++) {
		struct desk_input in = {(char *)d->desks[i], queue_id, true, false};
		struct field_errors fe;
		struct desk_rec desk;
		field_errors_init(&fe);
		e = svc_desk_create(app, &in, &fe, &desk);
		if (e == APP_OK)
			fprintf(stderr, "seed-demo: desk %s of %s\n", d->desks[i], d->name);
		else if (e == APP_CONFLICT)
			e = APP_OK; /* already there */
	}
	return e;
}

int cli_seed_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("seed-demo takes no arguments");
		return CLI_USAGE;
	}
	struct svc_app app = {0};
	char err[512];
	int rc = CLI_FAILED;
	enum app_err e = APP_OK;
	if (svc_app_open(&app, &ctx->cfg, err, sizeof err) < 0) {
		cli_error("seed-demo: %s", err);
		goto out;
	}
	for (size_t i = 0; i < sizeof queues / sizeof queues[0] && e == APP_OK; i++) {
		char attendant[UUID_STR_LEN] = "";
		if (queues[i].attendant)
			e = ensure_attendant(&app, queues[i].attendant, attendant);
		if (e == APP_OK)
			e = ensure_queue(&app, &queues[i], attendant[0] ? attendant : NULL);
		if (e == APP_OK)
			e = ensure_desks(&app, &queues[i]);
	}
	/* Tickets only on a fresh demo: the customers' dni tell. */
	struct customer_filter cf;
	memset(&cf, 0, sizeof cf);
	cf.dni = visits[0].dni;
	cf.state = -1;
	cf.sort = "last_name";
	cf.limit = 1;
	struct customer_list cl;
	long long seen = 0;
	if (e == APP_OK)
		e = svc_customer_list(&app, &cf, &cl, &seen);
	if (e == APP_OK)
		customer_list_free(&cl);
	struct svc_actor who = {"", true};
	for (size_t i = 0; e == APP_OK && seen == 0 && i < sizeof visits / sizeof visits[0]; i++) {
		struct customer_input in = {.dni = (char *)visits[i].dni, .has_dni = true,
					    .first_name = (char *)visits[i].first, .last_name = (char *)visits[i].last};
		struct field_errors fe;
		struct customer_rec c;
		field_errors_init(&fe);
		e = svc_customer_create(&app, &in, &fe, &c);
		if (e != APP_OK)
			break;
		struct ticket_request r = {.priority_id = visits[i].priority, .customer_id = c.id};
		struct ticket_view v;
		bool replayed;
		e = svc_ticket_register(&app, &who, &r, &fe, &v, &replayed);
		if (e == APP_OK)
			fprintf(stderr, "seed-demo: ticket %s for %s %s\n", v.t.code, visits[i].first, visits[i].last);
	}
	if (e != APP_OK) {
		cli_error("seed-demo: %s", app_err_info(e)->title);
		goto out;
	}
	printf("seed-demo: demo data in place (attendants att.general and att.caja, password %s)\n", DEMO_PASSWORD);
	rc = CLI_OK;
out:
	svc_app_close(&app);
	return rc;
}
