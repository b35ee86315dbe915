/* Booking schedules, slots, appointments and their report in SQL. Times are unix seconds. */
#ifndef TURNERO_APPOINTMENT_REPO_H
#define TURNERO_APPOINTMENT_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

/* A stored schedule row; hours and closed are the storage forms of service/slots.h (malloc'd). */
struct schedule_rec {
	int slot_minutes, capacity, weeks_ahead, late_grace_minutes;
	char *hours;  /* owned; free with schedule_rec_free */
	char *closed; /* owned */
};
void schedule_rec_free(struct schedule_rec *r);

/* 1 found (out filled, free with schedule_rec_free), 0 none (out empty). */
long long repo_schedule_get(struct db *db, const char *queue_id, struct schedule_rec *out);
/* Locks the schedule row of a queue; 1 found, 0 none. */
long long repo_schedule_lock(struct db *db, const char *queue_id);
long long repo_schedule_put(struct db *db, const char *queue_id, const struct schedule_rec *r);

/* Creates the slot's row if needed and locks it; then how many bookings hold a place in it. */
long long repo_slot_lock(struct db *db, const char *queue_id, long long start);
long long repo_slot_taken(struct db *db, const char *queue_id, long long start, long long *taken);

struct slot_taken {
	long long start, taken;
};
/* Places taken per slot start in [from, to); *out freed by the caller with free(). */
long long repo_slot_taken_range(struct db *db, const char *queue_id, long long from, long long to,
				struct slot_taken **out, size_t *n);

struct appointment_rec {
	char id[UUID_STR_LEN];
	char queue_id[UUID_STR_LEN];
	char priority_id[UUID_STR_LEN];
	char customer_id[UUID_STR_LEN];
	long long start, end;
	char service_date[11];
	char status[11];
	char ticket_id[UUID_STR_LEN]; /* "" before check-in */
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
	char checked_in_date[TS_STR_LEN]; /* "" before check-in */
	int late_grace_minutes;
};

struct appointment_list {
	struct appointment_rec *items;
	size_t n;
};
void appointment_list_free(struct appointment_list *l);

struct appointment_filter {
	const char *queue_id, *date, *status, *customer_id; /* NULL: any */
	const char *sort;                                   /* "start" or "-start" */
	long long limit, offset;
};
extern const char *const appointment_repo_sorts[];

long long repo_appointment_insert(struct db *db, const struct appointment_rec *a);
long long repo_appointment_get(struct db *db, const char *id, bool for_update, struct appointment_rec *out);
long long repo_appointment_list(struct db *db, const struct appointment_filter *f, struct appointment_list *out,
				long long *total);
/* status from -> to (guarded): 1 changed, 0 lost race. */
long long repo_appointment_set_status(struct db *db, const char *id, const char *from, const char *to);
/* booked -> checked_in with the ticket, checked in now. 1 changed, 0 lost race. */
long long repo_appointment_check_in(struct db *db, const char *id, const char *ticket_id);
/* How many booked appointments of queue_id on service_date hold any of the contacts (NULL: not compared). */
long long repo_appointment_held_by_contact(struct db *db, const char *queue_id, const char *service_date,
					   const char *dni, const char *email, const char *phone, long long *held);
/* The ids of the booked appointments of days before today, locked; free(*ids). */
long long repo_appointment_booked_before(struct db *db, const char *today, char (**ids)[UUID_STR_LEN], size_t *n);
/* Booked appointments of days before today become no_show; returns how many. */
long long repo_appointment_no_show_before(struct db *db, const char *today);

struct public_queue {
	char id[UUID_STR_LEN];
	char name[161];
};
/* Open queues whose schedule has hours; free(*out). */
long long repo_public_queues(struct db *db, struct public_queue **out, size_t *n);

struct public_appointment {
	char id[UUID_STR_LEN];
	char queue_id[UUID_STR_LEN];
	char queue_name[161];
	long long start, end;
	char status[11];
};
long long repo_public_appointment(struct db *db, const char *id, struct public_appointment *out);

struct appointment_report_row {
	char queue_id[UUID_STR_LEN];
	char name[161];
	long long booked, checked_in, cancelled, no_show;
	bool has_on_time;
	double on_time_pct;
};
long long repo_report_appointments(struct db *db, const char *from, const char *to,
				   struct appointment_report_row **out, size_t *n);

#endif
