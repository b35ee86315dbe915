/*
 * Notification templates: etc/templates/LANG/KIND.txt, first line "Subject: ...", then
 * the body, with {{placeholders}}. Pure text handling, no I/O beyond reading the file.
 */
#ifndef TURNERO_NOTIFY_TEMPLATE_H
#define TURNERO_NOTIFY_TEMPLATE_H

#include <stddef.h>

#include "common/config.h"

/* The kinds of notification, in the order of the `kind` column's ENUM. */
enum notify_kind { NOTIFY_ISSUED, NOTIFY_NEAR, NOTIFY_CALLED, NOTIFY_BOOKED, NOTIFY_KIND__MAX };

/* "issued", "near", "called", "booked". */
const char *notify_kind_name(enum notify_kind k);

/* Largest template file accepted, in bytes. */
#define NOTIFY_TEMPLATE_MAX 16384

/* The values placeholders stand for; NULL renders as the empty string. */
struct notify_vars {
	const char *code, *queue, *desk, *position, *wait_minutes, *link, *start;
};

/*
 * Renders text (a whole template file) with v.
 * [out] subject, body: set to NULL first; on 0 both are malloc'd, the caller frees them.
 * Returns 0, or -1 with a one-line reason in err: no "Subject: " first line, an unknown
 * placeholder ("unknown placeholder {{name}}"), an unclosed "{{", or invalid UTF-8.
 * The subject is one line; the body loses leading blank lines and trailing white space
 * and keeps "\n" line ends (the mail writer turns them into CRLF).
 */
int notify_render(const char *text, const struct notify_vars *v, char **subject, char **body, char *err,
		  size_t errlen);

/*
 * Reads DIR/LANG/KIND.txt ([notify] templates_dir and language).
 * [out] text: set to NULL first; on 0 a malloc'd NUL-terminated copy the caller frees.
 * Returns 0, or -1 with "PATH: reason" in err.
 */
int notify_template_load(const struct config *cfg, enum notify_kind kind, char **text, char *err, size_t errlen);

/*
 * Loads and renders every kind's template with sample values: what check-config runs.
 * Returns 0, or -1 with a one-line reason naming the file.
 */
int notify_templates_check(const struct config *cfg, char *err, size_t errlen);

#endif
