/* Customers: validation, CRUD and the race-safe upsert by dni used when tickets are issued. */
#ifndef TURNERO_SVC_CUSTOMER_H
#define TURNERO_SVC_CUSTOMER_H

#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/customer_repo.h"
#include "service/app.h"

/* Bounds in characters (code points), shared with the API's body specs. */
#define CUSTOMER_DNI_MAX 20
#define CUSTOMER_NAME_MAX 100
#define CUSTOMER_PHONE_MAX 40
#define CUSTOMER_EMAIL_MAX 254

/*
 * Input of create, patch and upsert. The strings are owned by the input (free with
 * svc_customer_input_free). NULL strings and has_* false mean "absent": the current
 * value stays on patch, the default applies on create (phone and email "", state
 * true, no dni). has_dni with dni NULL is an explicit null: no dni / clear it.
 */
struct customer_input {
	char *dni;
	bool has_dni;
	char *first_name, *last_name, *phone, *email;
	bool state, has_state;
};

/* Frees the strings and zeroes the input; NULL-safe. */
void svc_customer_input_free(struct customer_input *in);

/* True when s looks like local@domain.tld: one '@', no spaces or controls, a dot inside the domain. */
bool svc_customer_email_valid(const char *s);

/*
 * Checks in against the customer rules: when creating, first_name and last_name are
 * required; lengths (dni 1-20, names 1-100, phone 0-40, email 0-254 characters, valid
 * UTF-8) and the email shape when not empty. Every problem is added to fe, with field
 * names prefixed by prefix (NULL or "" for none; "customer." for an inline customer).
 * Returns true when fe gained nothing.
 */
bool svc_customer_validate(const struct customer_input *in, bool creating, const char *prefix,
			   struct field_errors *fe);

/*
 * Creates a customer. APP_INVALID with details in fe, APP_CONFLICT for a taken dni.
 * [out] out: the stored customer on APP_OK.
 */
enum app_err svc_customer_create(struct svc_app *app, const struct customer_input *in, struct field_errors *fe,
				 struct customer_rec *out);
/* [out] out: the customer on APP_OK; APP_NOT_FOUND when no customer has this id. */
enum app_err svc_customer_get(struct svc_app *app, const char *id, struct customer_rec *out);
/*
 * One page of customers and the filter's total.
 * [out] out: caller frees with customer_list_free (empty unless APP_OK).
 */
enum app_err svc_customer_list(struct svc_app *app, const struct customer_filter *f, struct customer_list *out,
			       long long *total);
/*
 * Applies the members of in that are set (dni may be cleared). APP_INVALID with fe,
 * APP_NOT_FOUND, APP_CONFLICT for a taken dni.
 * [out] out: the updated customer on APP_OK.
 */
enum app_err svc_customer_update(struct svc_app *app, const char *id, const struct customer_input *in,
				 struct field_errors *fe, struct customer_rec *out);
/* Sets state false; APP_NOT_FOUND when no such id. */
enum app_err svc_customer_deactivate(struct svc_app *app, const char *id);

/*
 * For use inside a transaction (db_tx_run callback). With a dni: updates first_name and
 * last_name (and phone/email when given) of the customer holding that dni, or inserts
 * a new one; the unique index decides, so concurrent calls cannot create two. Without
 * a dni: always inserts. in must pass svc_customer_validate(in, true, ...); otherwise
 * APP_INVALID. The customer's state is not changed.
 * [out] out: the customer as stored now; [out] created: true when it was inserted.
 * Returns APP_OK or an error from the database (APP_RETRY must reach db_tx_run).
 */
enum app_err svc_customer_upsert_by_dni(struct db *db, const struct customer_input *in, struct customer_rec *out,
					bool *created);

#endif
