#include "notify/template.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/utf8.h"

static const char *const kind_names[NOTIFY_KIND__MAX] = {"issued", "near", "called", "booked"};

const char *notify_kind_name(enum notify_kind k)
{
	return (unsigned)k < NOTIFY_KIND__MAX ? kind_names[k] : "?";
}

/* The value of placeholder name[0..len), or false when there is no such placeholder. */
static bool lookup(const struct notify_vars *v, const char *name, size_t len, const char **value)
{
	static const struct {
		const char *name;
		size_t offset;
	} names[] = {
		{"code", offsetof(struct notify_vars, code)},
		{"queue", offsetof(struct notify_vars, queue)},
		{"desk", offsetof(struct notify_vars, desk)},
		{"position", offsetof(struct notify_vars, position)},
		{"wait_minutes", offsetof(struct notify_vars, wait_minutes)},
		{"link", offsetof(struct notify_vars, link)},
		{"start", offsetof(struct notify_vars, start)},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strlen(names[i].name) == len && memcmp(names[i].name, name, len) == 0) {
			*value = *(const char *const *)(const void *)((const char *)v + names[i].offset);
			if (!*value)
				*value = "";
			return true;
		}
	}
	return false;
}

/* Appends s[0..len) to out with every {{name}} replaced; -1 with err on a bad placeholder. */
static int expand(const char *s, size_t len, const struct notify_vars *v, struct strbuf *out, char *err,
		  size_t errlen)
{
	size_t i = 0;
	while (i < len) {
		const char *open = len - i >= 2 ? strstr(s + i, "{{") : NULL;
		if (!open || open >= s + len) {
			strbuf_append(out, s + i, len - i);
			break;
		}
		strbuf_append(out, s + i, (size_t)(open - (s + i)));
		const char *name = open + 2;
		const char *close = strstr(name, "}}");
		if (!close || close > s + len - 2) {
			snprintf(err, errlen, "unclosed {{");
			return -1;
		}
		size_t n = (size_t)(close - name);
		/* Tolerate {{ code }}: spaces around the name. */
		while (n && *name == ' ')
			name++, n--;
		while (n && name[n - 1] == ' ')
			n--;
		const char *value;
		if (!lookup(v, name, n, &value)) {
			snprintf(err, errlen, "unknown placeholder {{%.*s}}", (int)(n > 40 ? 40 : n), name);
			return -1;
		}
		strbuf_puts(out, value);
		i = (size_t)(close + 2 - s);
	}
	return 0;
}

int notify_render(const char *text, const struct notify_vars *v, char **subject, char **body, char *err,
		  size_t errlen)
{
	static const char prefix[] = "Subject:";
	struct strbuf sub = STRBUF_INIT, bod = STRBUF_INIT;
	*subject = *body = NULL;
	size_t total = strlen(text);
	if (!utf8_valid(text, total)) {
		snprintf(err, errlen, "not valid UTF-8");
		return -1;
	}
	if (strncmp(text, prefix, sizeof prefix - 1) != 0) {
		snprintf(err, errlen, "the first line must be \"Subject: ...\"");
		return -1;
	}
	const char *s = text + sizeof prefix - 1;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t line = strcspn(s, "\n");
	size_t sublen = line;
	while (sublen && (s[sublen - 1] == '\r' || s[sublen - 1] == ' ' || s[sublen - 1] == '\t'))
		sublen--;
	const char *rest = s + line + (s[line] == '\n');
	/* Leading blank lines of the body go; so does trailing white space. */
	for (;;) {
		size_t blank = strspn(rest, " \t\r");
		if (rest[blank] != '\n')
			break;
		rest += blank + 1;
	}
	size_t restlen = strlen(rest);
	while (restlen && strchr(" \t\r\n", rest[restlen - 1]))
		restlen--;
	if (expand(s, sublen, v, &sub, err, errlen) < 0 || expand(rest, restlen, v, &bod, err, errlen) < 0)
		goto fail;
	if (sub.oom || bod.oom) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (strpbrk(strbuf_cstr(&sub), "\r\n")) {
		snprintf(err, errlen, "a value put a line break into the subject");
		goto fail;
	}
	*subject = sub.data ? sub.data : strdup("");
	*body = bod.data ? bod.data : strdup("");
	if (!*subject || !*body) {
		free(*subject);
		free(*body);
		*subject = *body = NULL;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
fail:
	strbuf_free(&sub);
	strbuf_free(&bod);
	return -1;
}

int notify_template_load(const struct config *cfg, enum notify_kind kind, char **text, char *err, size_t errlen)
{
	char path[CONFIG_PATH_MAX + 64];
	*text = NULL;
	snprintf(path, sizeof path, "%s/%s/%s.txt", cfg->notify.templates_dir, cfg->notify.language,
		 notify_kind_name(kind));
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(NOTIFY_TEMPLATE_MAX + 1);
	size_t n = buf ? fread(buf, 1, NOTIFY_TEMPLATE_MAX, f) : 0;
	bool more = buf && fgetc(f) != EOF;
	bool bad = !buf || ferror(f);
	fclose(f);
	if (bad || more || memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s: %s", path,
			 !buf ? "out of memory" : more ? "larger than 16 KiB" : bad ? "read error" : "contains a NUL byte");
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
}

int notify_templates_check(const struct config *cfg, char *err, size_t errlen)
{
	const struct notify_vars sample = {"A-001", "General", "Desk 1", "4", "12", "https://example.org/t/x",
					   "2025-10-17 09:30"};
	for (int k = 0; k < NOTIFY_KIND__MAX; k++) {
		char *text = NULL, *subject = NULL, *body = NULL, why[200];
		if (notify_template_load(cfg, (enum notify_kind)k, &text, err, errlen) < 0)
			return -1;
		int rc = notify_render(text, &sample, &subject, &body, why, sizeof why);
		free(text);
		free(subject);
		free(body);
		if (rc < 0) {
			snprintf(err, errlen, "[notify] template %s/%s/%s.txt: %s", cfg->notify.templates_dir,
				 cfg->notify.language, notify_kind_name((enum notify_kind)k), why);
			return -1;
		}
	}
	return 0;
}
