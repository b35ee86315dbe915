#include "http/form.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

static int form_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *percent_decode(const char *in, size_t len, bool plus_is_space, size_t *outlen)
{
	/* Decoding never grows the text, so one allocation of len + 1 is enough. */
	char *out = malloc(len + 1);
	size_t j = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3)
				goto fail;
			int h = form_hexval((unsigned char)in[i + 1]), l = form_hexval((unsigned char)in[i + 2]);
			if (h < 0 || l < 0)
				goto fail;
			c = (unsigned char)(h * 16 + l);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			goto fail;
		out[j++] = (char)c;
	}
	out[j] = '\0';
	if (!utf8_valid(out, j))
		goto fail;
	if (outlen)
		*outlen = j;
	return out;

fail:
	free(out);
	return NULL;
}

static int form_push(struct kv_list *l, char *key, char *value)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct kv *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return -1;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = (struct kv){key, value};
	return 0;
}

int form_parse(const char *s, size_t len, size_t max_pairs, struct kv_list *out)
{
	size_t pos = 0;
	char *key = NULL, *value = NULL;

	while (pos < len) {
		const char *pair = s + pos;
		const char *amp = memchr(pair, '&', len - pos);
		size_t plen = amp ? (size_t)(amp - pair) : len - pos;
		pos += plen + 1;
		if (plen == 0)
			continue;
		if (out->n >= max_pairs)
			goto fail;

		const char *eq = memchr(pair, '=', plen);
		size_t klen = eq ? (size_t)(eq - pair) : plen;
		key = percent_decode(pair, klen, true, NULL);
		value = eq ? percent_decode(eq + 1, plen - klen - 1, true, NULL) : strdup("");
		if (!key || !value || form_push(out, key, value) < 0)
			goto fail;
		key = value = NULL;
	}
	return 0;

fail:
	free(key);
	free(value);
	kv_list_free(out);
	return -1;
}

struct kv *kv_find(struct kv_list *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return &l->items[i];
	return NULL;
}

const char *kv_get(const struct kv_list *l, const char *key)
{
	const struct kv *kv = kv_find((struct kv_list *)l, key); /* read only */
	return kv ? kv->value : NULL;
}

size_t kv_count(const struct kv_list *l, const char *key)
{
	size_t n = 0;
	if (!l || !key)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			n++;
	return n;
}

void kv_list_free(struct kv_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
