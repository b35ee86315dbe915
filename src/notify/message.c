#include "notify/message.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/random.h"
#include "common/strbuf.h"
#include "common/utf8.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
			     i + 2 < n ? b64[v & 63] : '='};
		strbuf_append(sb, q, 4);
	}
}

static char *finish(struct strbuf *sb)
{
	if (sb->oom) {
		strbuf_free(sb);
		return NULL;
	}
	return sb->data ? sb->data : strdup("");
}

char *notify_rfc2047(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(text);
	bool plain = strstr(text, "=?") == NULL;
	for (size_t i = 0; plain && i < len; i++)
		plain = text[i] >= 0x20 && text[i] < 0x7f;
	if (plain) {
		strbuf_append(&sb, text, len);
		return finish(&sb);
	}
	/* "=?UTF-8?B?" + 60 base64 characters + "?=" = 72 <= 75: 45 bytes per word. */
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		size_t take = 0;
		while (i + take < len) {
			size_t seq = utf8_sequence_len(p + i + take, len - i - take);
			if (seq == 0)
				seq = 1; /* not UTF-8: carried as bytes, never split further */
			if (take + seq > 45)
				break;
			take += seq;
		}
		if (i)
			strbuf_puts(&sb, "\r\n ");
		strbuf_puts(&sb, "=?UTF-8?B?");
		base64(&sb, p + i, take);
		strbuf_puts(&sb, "?=");
		i += take;
	}
	return finish(&sb);
}

char *notify_quoted_printable(const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			strbuf_puts(&sb, "\r\n");
			col = 0;
			continue;
		}
		char enc[3];
		size_t n;
		/* Space or tab before a line end must be encoded, or transports may strip it. */
		bool at_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_end)) {
			enc[0] = (char)*p;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			n = 3;
		}
		if (col + n > 75) { /* the soft break "=" makes it 76 */
			strbuf_puts(&sb, "=\r\n");
			col = 0;
		}
		strbuf_append(&sb, enc, n);
		col += n;
	}
	if (col)
		strbuf_puts(&sb, "\r\n");
	return finish(&sb);
}

void notify_rfc5322_date(time_t t, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A conservative addr-spec: local@domain, printable ASCII, no spaces, angle brackets or quotes. */
static bool plausible_address(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (!at || at == a || at == a + n - 1 || memchr(at + 1, '@', (size_t)(a + n - at - 1)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (a[i] <= 0x20 || a[i] >= 0x7f || strchr("<>()[]\\,;:\"", a[i]))
			return false;
	return true;
}

int notify_parse_address(const char *from, char *addr, size_t addrlen, char *name, size_t namelen)
{
	const char *lt = strrchr(from, '<');
	const char *a = from, *end = from + strlen(from);
	size_t nlen = 0;
	if (lt) {
		const char *gt = strchr(lt, '>');
		if (!gt || gt[1] != '\0')
			return -1;
		a = lt + 1;
		end = gt;
		nlen = (size_t)(lt - from);
		while (nlen && isspace((unsigned char)from[nlen - 1]))
			nlen--;
	}
	while (a < end && isspace((unsigned char)*a))
		a++;
	while (end > a && isspace((unsigned char)end[-1]))
		end--;
	size_t alen = (size_t)(end - a);
	if (!plausible_address(a, alen) || alen >= addrlen || nlen >= namelen)
		return -1;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	const char *n0 = from;
	while (nlen && isspace((unsigned char)*n0))
		n0++, nlen--;
	/* A quoted display name loses its quotes; it is encoded again below. */
	if (nlen >= 2 && n0[0] == '"' && n0[nlen - 1] == '"')
		n0++, nlen -= 2;
	memcpy(name, n0, nlen);
	name[nlen] = '\0';
	return 0;
}

/* A display name needs quoting when it holds RFC 5322 specials. */
static void put_display_name(struct strbuf *sb, const char *name)
{
	bool ascii = true, specials = false;
	for (const char *p = name; *p; p++) {
		ascii = ascii && *p >= 0x20 && *p < 0x7f;
		specials = specials || strchr("()<>[]:;@\\,.\"", *p);
	}
	if (!ascii || strstr(name, "=?")) {
		char *enc = notify_rfc2047(name);
		strbuf_puts(sb, enc ? enc : "");
		free(enc);
	} else if (specials) {
		strbuf_puts(sb, "\"");
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_puts(sb, "\\");
			strbuf_append(sb, p, 1);
		}
		strbuf_puts(sb, "\"");
	} else {
		strbuf_puts(sb, name);
	}
}

char *notify_mail_build(const struct notify_mail *m)
{
	char addr[320], name[320], to[320], toname[8], date[40];
	if (notify_parse_address(m->from, addr, sizeof addr, name, sizeof name) < 0 ||
	    notify_parse_address(m->to, to, sizeof to, toname, sizeof toname) < 0)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	notify_rfc5322_date(m->date, date);
	strbuf_printf(&sb, "Date: %s\r\nFrom: ", date);
	if (*name) {
		put_display_name(&sb, name);
		strbuf_printf(&sb, " <%s>\r\n", addr);
	} else {
		strbuf_printf(&sb, "%s\r\n", addr);
	}
	strbuf_printf(&sb, "To: %s\r\n", to);
	char *subject = notify_rfc2047(m->subject);
	char *body = notify_quoted_printable(m->body);
	if (!subject || !body) {
		free(subject);
		free(body);
		strbuf_free(&sb);
		return NULL;
	}
	strbuf_printf(&sb, "Subject: %s\r\n", subject);
	strbuf_printf(&sb, "Message-ID: %s\r\n", m->message_id);
	strbuf_puts(&sb, "MIME-Version: 1.0\r\n"
			 "Content-Type: text/plain; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: quoted-printable\r\n"
			 "Auto-Submitted: auto-generated\r\n"
			 "\r\n");
	strbuf_puts(&sb, body);
	free(subject);
	free(body);
	return finish(&sb);
}

void notify_message_id(const char *from, char *out, size_t outlen)
{
	unsigned char r[16];
	char hex[33], addr[320], name[320];
	const char *domain = "turnero.invalid";
	if (random_bytes(r, sizeof r) < 0)
		memset(r, 0, sizeof r);
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	if (notify_parse_address(from, addr, sizeof addr, name, sizeof name) == 0)
		domain = strchr(addr, '@') + 1;
	snprintf(out, outlen, "<%s@%s>", hex, domain);
}

void notify_phone_normalize(const char *phone, char *out, size_t outlen)
{
	size_t n = 0;
	for (const char *p = phone; *p && n + 1 < outlen; p++)
		if (isdigit((unsigned char)*p) || (*p == '+' && n == 0))
			out[n++] = *p;
	out[n] = '\0';
}

void notify_mask(const char *channel, const char *to, char *out, size_t outlen)
{
	if (strcmp(channel, "email") == 0) {
		const char *at = strrchr(to, '@');
		if (!at || at == to) {
			snprintf(out, outlen, "***");
			return;
		}
		/* The first character, whole even when it takes several bytes. */
		size_t first = utf8_sequence_len((const unsigned char *)to, (size_t)(at - to));
		snprintf(out, outlen, "%.*s***%s", (int)(first ? first : 1), to, at);
		return;
	}
	char num[64];
	notify_phone_normalize(to, num, sizeof num);
	size_t n = strlen(num), keep_head = n > 8 ? 5 : 0, keep_tail = n > 2 ? 2 : 0;
	if (outlen == 0)
		return;
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outlen; i++)
		out[o++] = (i < keep_head || i >= n - keep_tail) ? num[i] : '*';
	out[o] = '\0';
	if (n == 0)
		snprintf(out, outlen, "***");
}

long notify_backoff_seconds(const long *schedule, size_t n, unsigned attempts, uint32_t rnd)
{
	if (attempts == 0 || attempts > n)
		return -1;
	long base = schedule[attempts - 1];
	long jitter = base / 10;
	return base + (jitter > 0 ? (long)(rnd % (uint32_t)(jitter + 1)) : 0);
}
