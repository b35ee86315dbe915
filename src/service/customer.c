#include "service/customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "repo/db.h"

void svc_customer_input_free(struct customer_input *in)
{
	if (!in)
		return;
	free(in->dni);
	free(in->first_name);
	free(in->last_name);
	free(in->phone);
	free(in->email);
	memset(in, 0, sizeof *in);
}

static bool email_char_ok(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != '@';
}

bool svc_customer_email_valid(const char *s)
{
	if (!s)
		return false;
	const char *at = strchr(s, '@');
	if (!at || at == s)
		return false;
	for (const char *p = s; p < at; p++)
		if (!email_char_ok((unsigned char)*p))
			return false;
	const char *domain = at + 1;
	size_t n = strlen(domain);
	/* A dot with something on both sides: "a@b.c", not "a@.c" nor "a@b." nor "a@b". */
	const char *dot = strrchr(domain, '.');
	if (!dot || dot == domain || dot == domain + n - 1 || domain[0] == '.')
		return false;
	for (const char *p = domain; *p; p++)
		if (!email_char_ok((unsigned char)*p) || (p[0] == '.' && p[1] == '.'))
			return false;
	return true;
}

/* Adds "prefix+field" to fe. */
static void add_error(struct field_errors *fe, const char *prefix, const char *field, const char *message)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", field);
	field_errors_add(fe, name, "%s", message);
}

/* Checks one optional string: absent passes; otherwise UTF-8 text of min..max characters. */
static void check_text(const char *v, const char *field, size_t min, size_t max, const char *prefix,
		       struct field_errors *fe)
{
	if (!v)
		return;
	size_t len = strlen(v);
	char msg[64];
	if (!utf8_valid(v, len)) {
		add_error(fe, prefix, field, "must be valid UTF-8 text");
		return;
	}
	size_t chars = utf8_length(v, len);
	if (chars < min) {
		add_error(fe, prefix, field, "must not be empty");
	} else if (chars > max) {
		snprintf(msg, sizeof msg, "must be at most %zu characters", max);
		add_error(fe, prefix, field, msg);
	}
}

bool svc_customer_validate(const struct customer_input *in, bool creating, const char *prefix,
			   struct field_errors *fe)
{
	size_t before = fe->n + fe->dropped;
	check_text(in->dni, "dni", 1, CUSTOMER_DNI_MAX, prefix, fe);
	if (creating && !in->first_name)
		add_error(fe, prefix, "first_name", "is required");
	check_text(in->first_name, "first_name", 1, CUSTOMER_NAME_MAX, prefix, fe);
	if (creating && !in->last_name)
		add_error(fe, prefix, "last_name", "is required");
	check_text(in->last_name, "last_name", 1, CUSTOMER_NAME_MAX, prefix, fe);
	check_text(in->phone, "phone", 0, CUSTOMER_PHONE_MAX, prefix, fe);
	size_t mark = fe->n + fe->dropped;
	check_text(in->email, "email", 0, CUSTOMER_EMAIL_MAX, prefix, fe);
	if (mark == fe->n + fe->dropped && in->email && *in->email && !svc_customer_email_valid(in->email))
		add_error(fe, prefix, "email", "must look like name@example.org");
	return fe->n + fe->dropped == before;
}

enum app_err svc_customer_create(struct svc_app *app, const struct customer_input *in, struct field_errors *fe,
				 struct customer_rec *out)
{
	memset(out, 0, sizeof *out);
	if (!svc_customer_validate(in, true, NULL, fe))
		return APP_INVALID;
	ids_uuid_v4(out->id);
	out->has_dni = in->dni != NULL;
	snprintf(out->dni, sizeof out->dni, "%s", in->dni ? in->dni : "");
	snprintf(out->first_name, sizeof out->first_name, "%s", in->first_name);
	snprintf(out->last_name, sizeof out->last_name, "%s", in->last_name);
	snprintf(out->phone, sizeof out->phone, "%s", in->phone ? in->phone : "");
	snprintf(out->email, sizeof out->email, "%s", in->email ? in->email : "");
	out->state = in->has_state ? in->state : true;
	long long rc = repo_customer_insert(app->db, out);
	if (rc < 0)
		return db_app_err(rc);
	return svc_customer_get(app, out->id, out);
}

enum app_err svc_customer_get(struct svc_app *app, const char *id, struct customer_rec *out)
{
	long long rc = repo_customer_get_by_id(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_customer_list(struct svc_app *app, const struct customer_filter *f, struct customer_list *out,
			       long long *total)
{
	long long rc = repo_customer_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct customer_tx {
	const char *id;
	const struct customer_input *in;
	struct customer_rec *out;
};

static enum app_err update_in_tx(struct db *db, void *cls)
{
	struct customer_tx *t = cls;
	const struct customer_input *in = t->in;
	struct customer_rec cur;
	long long rc = repo_customer_lock(db, t->id);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_customer_get_by_id(db, t->id, &cur);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	if (in->has_dni) {
		cur.has_dni = in->dni != NULL;
		snprintf(cur.dni, sizeof cur.dni, "%s", in->dni ? in->dni : "");
	}
	if (in->first_name)
		snprintf(cur.first_name, sizeof cur.first_name, "%s", in->first_name);
	if (in->last_name)
		snprintf(cur.last_name, sizeof cur.last_name, "%s", in->last_name);
	if (in->phone)
		snprintf(cur.phone, sizeof cur.phone, "%s", in->phone);
	if (in->email)
		snprintf(cur.email, sizeof cur.email, "%s", in->email);
	if (in->has_state)
		cur.state = in->state;
	rc = repo_customer_update(db, &cur);
	if (rc < 0)
		return db_app_err(rc);
	rc = repo_customer_get_by_id(db, t->id, t->out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_customer_update(struct svc_app *app, const char *id, const struct customer_input *in,
				 struct field_errors *fe, struct customer_rec *out)
{
	memset(out, 0, sizeof *out);
	if (!svc_customer_validate(in, false, NULL, fe))
		return APP_INVALID;
	struct customer_tx t = {id, in, out};
	return db_tx_run(app->db, "customer update", update_in_tx, &t);
}

enum app_err svc_customer_deactivate(struct svc_app *app, const char *id)
{
	long long rc = repo_customer_set_state(app->db, id, false);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_customer_upsert_by_dni(struct db *db, const struct customer_input *in, struct customer_rec *out,
					bool *created)
{
	struct field_errors fe;
	long long rc;

	memset(out, 0, sizeof *out);
	*created = false;
	field_errors_init(&fe);
	if (!svc_customer_validate(in, true, NULL, &fe))
		return APP_INVALID;
	if (!in->dni) {
		ids_uuid_v4(out->id);
		snprintf(out->first_name, sizeof out->first_name, "%s", in->first_name);
		snprintf(out->last_name, sizeof out->last_name, "%s", in->last_name);
		snprintf(out->phone, sizeof out->phone, "%s", in->phone ? in->phone : "");
		snprintf(out->email, sizeof out->email, "%s", in->email ? in->email : "");
		out->state = true;
		rc = repo_customer_insert(db, out);
		if (rc < 0)
			return db_app_err(rc);
		*created = true;
		rc = repo_customer_get_by_id(db, out->id, out);
		return rc < 0 ? db_app_err(rc) : rc ? APP_OK : APP_INTERNAL;
	}
	char new_id[UUID_STR_LEN];
	ids_uuid_v4(new_id);
	rc = repo_customer_upsert_by_dni(db, new_id, in->dni, in->first_name, in->last_name, in->phone, in->email);
	if (rc < 0)
		return db_app_err(rc);
	/* The upsert locked the row, so this read sees what it wrote. */
	rc = repo_customer_get_by_dni(db, in->dni, out);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_INTERNAL;
	*created = strcmp(out->id, new_id) == 0;
	return APP_OK;
}
