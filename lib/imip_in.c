/*
 * imip_in: the iCalendar object of an e-mail handed in by the MTA (RFC
 * 6047), for tandemctl ingest-mail.  GMime parses the message; the first
 * text/calendar part anywhere in it is taken (else the first application/ics
 * attachment), its transfer encoding undone and its charset made UTF-8.
 * The From address and the Authentication-Results headers (RFC 8601) come
 * along, and imip_authenticated() reads the latter: a small reader of that
 * header's grammar (comments, quoted strings, CFWS around "="), not a
 * GMime one, since GMime does not know this header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "tandem-int.h"
#include "imip_in.h"

static void
init_once(void)
{
	static int	done;

	if (!done) {
		g_mime_init();
		done = 1;
	}
}

/* The first part of type/subtype under o, depth first, or NULL. */
static GMimeObject *
find_part(GMimeObject *o, const char *type, const char *subtype, int depth)
{
	GMimeContentType	*ct;
	GMimeObject		*hit;
	int			 i, n;

	if (o == NULL || depth > 16)
		return NULL;
	if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (i = 0; i < n; i++) {
			hit = find_part(g_mime_multipart_get_part(GMIME_MULTIPART(o),
			    i), type, subtype, depth + 1);
			if (hit != NULL)
				return hit;
		}
		return NULL;
	}
	if (GMIME_IS_MESSAGE_PART(o))
		return NULL;		/* a forwarded message is not ours */
	ct = g_mime_object_get_content_type(o);
	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype) ?
	    o : NULL;
}

/* The decoded bytes of a leaf part, NUL-terminated; NULL when empty. */
static char *
part_bytes(GMimeObject *o)
{
	GMimeDataWrapper	*dw = g_mime_part_get_content(GMIME_PART(o));
	GMimeStream		*mem;
	GByteArray		*ba;
	char			*out = NULL;

	if (dw == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, mem) >= 0) {
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		if (ba != NULL && ba->len > 0)
			out = util_strndup((const char *)ba->data, ba->len);
	}
	g_object_unref(mem);
	return out;
}

/* The text of the part: charset converted for text/calendar. */
static char *
part_text(GMimeObject *o)
{
	char	*t, *out;

	if (!GMIME_IS_TEXT_PART(o))
		return part_bytes(o);
	t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));
	out = t != NULL && t[0] != '\0' ? util_strdup(t) : NULL;
	g_free(t);
	return out;
}

/* The values of the message's Authentication-Results headers, top first. */
static int
auth_headers(GMimeMessage *msg, struct imip_mail *m)
{
	GMimeHeaderList	*hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader	*h;
	const char	*v;
	int		 i, n;

	n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;
	for (i = 0; i < n && m->nauth < IMIP_AUTH_MAX; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (h == NULL || g_mime_header_get_name(h) == NULL ||
		    strcasecmp(g_mime_header_get_name(h),
		    "Authentication-Results") != 0)
			continue;
		v = g_mime_header_get_raw_value(h);
		if (v == NULL)
			v = g_mime_header_get_value(h);
		if (v == NULL || strlen(v) > IMIP_AUTH_LEN_MAX)
			continue;
		m->auth[m->nauth] = util_strdup(v);
		if (m->auth[m->nauth] == NULL)
			return TANDEM_ENOMEM;
		m->nauth++;
	}
	return 0;
}

/* The address of a From of exactly one mailbox: 0, with *from NULL if not. */
static int
from_address(GMimeMessage *msg, char **from)
{
	InternetAddressList	*l = g_mime_message_get_from(msg);
	InternetAddress		*a;
	const char		*addr;

	*from = NULL;
	if (l == NULL || internet_address_list_length(l) != 1)
		return 0;
	a = internet_address_list_get_address(l, 0);
	if (a == NULL || !INTERNET_ADDRESS_IS_MAILBOX(a))
		return 0;
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
	if (addr == NULL || addr[0] == '\0')
		return 0;
	*from = util_strdup(addr);
	return *from == NULL ? TANDEM_ENOMEM : 0;
}

int
imip_read(const char *source, const char *msg, size_t len,
    struct imip_mail *m, struct tandem_diag *diag)
{
	GMimeStream		*stream;
	GMimeParser		*parser;
	GMimeMessage		*gm;
	GMimeObject		*part;
	int			 rc = 0;

	memset(m, 0, sizeof(*m));
	init_once();
	stream = g_mime_stream_mem_new_with_buffer(msg, len);
	parser = g_mime_parser_new_with_stream(stream);
	gm = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (gm == NULL ||
	    g_mime_object_get_header(GMIME_OBJECT(gm), "From") == NULL) {
		diag_add(diag, source, 0, "not an e-mail (RFC 5322) message");
		if (gm != NULL)
			g_object_unref(gm);
		return TANDEM_EPARSE;
	}
	part = find_part(g_mime_message_get_mime_part(gm), "text", "calendar",
	    0);
	if (part == NULL)
		part = find_part(g_mime_message_get_mime_part(gm), "application",
		    "ics", 0);
	if (part == NULL) {
		diag_add(diag, source, 0, "the message has no text/calendar part");
		rc = TANDEM_EPARSE;
		goto out;
	}
	m->ics = part_text(part);
	if (m->ics == NULL) {
		diag_add(diag, source, 0, "the message's text/calendar part is empty");
		rc = TANDEM_EPARSE;
		goto out;
	}
	rc = from_address(gm, &m->from);
	if (rc == 0)
		rc = auth_headers(gm, m);
out:
	g_object_unref(gm);
	if (rc < 0)
		imip_mail_clear(m);
	return rc;
}

void
imip_mail_clear(struct imip_mail *m)
{
	size_t	i;

	TANDEM_FREE(m->ics);
	TANDEM_FREE(m->from);
	for (i = 0; i < m->nauth && i < IMIP_AUTH_MAX; i++)
		TANDEM_FREE(m->auth[i]);
	m->nauth = 0;
}

/*
 * Authentication-Results (RFC 8601 section 2.2), as far as tandem needs it:
 *
 *   authserv-id [version] ( ";" "none" / 1*( ";" method["/"version] "="
 *       result *( ptype "." property "=" pvalue ) ) )
 *
 * with comments "(...)" (nested, with \-escapes) and white space anywhere
 * between tokens, and quoted strings for values.  A copy of the value has
 * its comments blanked out first; then it is cut into tokens: ";", "=",
 * and words (anything else up to white space, a quoted string whole).
 */
struct artok {
	char	 kind;		/* 'w' a word, '=' or ';' */
	char	*text;		/* a word, NUL-terminated in the copy */
};

/* Blank out the comments of t, in place; line breaks become spaces. */
static void
ar_blank_comments(char *t)
{
	char	*p;
	int	 depth = 0, quoted = 0;

	for (p = t; *p != '\0'; p++) {
		if (*p == '\\' && (quoted || depth > 0) && p[1] != '\0') {
			if (depth > 0)
				p[0] = p[1] = ' ';
			p++;
		} else if (depth > 0) {
			if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			*p = ' ';
		} else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '(') {
			depth = 1;
			*p = ' ';
		}
		if (!quoted && (*p == '\r' || *p == '\n' || *p == '\t'))
			*p = ' ';
	}
}

/*
 * Cut t into at most max tokens, the words copied NUL-terminated into
 * store (2 * strlen(t) + 2 bytes): their number.
 */
static size_t
ar_tokens(const char *t, struct artok *tok, size_t max, char *store)
{
	const char	*p = t, *w;
	size_t		 n = 0;
	int		 quoted;

	while (*p != '\0' && n < max) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == ';' || *p == '=') {
			tok[n].kind = *p++;
			tok[n++].text = NULL;
			continue;
		}
		for (w = p, quoted = 0; *p != '\0'; p++) {
			if (*p == '\\' && quoted && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = !quoted;
			else if (!quoted && (*p == ' ' || *p == ';' || *p == '='))
				break;
		}
		tok[n].kind = 'w';
		tok[n++].text = store;
		memcpy(store, w, (size_t)(p - w));
		store += p - w;
		*store++ = '\0';
	}
	return n;
}

/* A word without its quotes and \-escapes, in place. */
static char *
ar_unquote(char *v)
{
	char	*o, *p;

	if (v[0] != '"')
		return v;
	for (p = v + 1, o = v; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return v;
}

/* The domain of an address (after its last "@"), or NULL. */
static const char *
domain_of(const char *addr)
{
	const char	*at = strrchr(addr, '@');

	return at != NULL && at != addr && at[1] != '\0' ? at + 1 : NULL;
}

/* Does the property prop = value of a passing method vouch for addr? */
static int
ar_vouches(const char *method, const char *prop, const char *value,
    const char *addr)
{
	const char	*dom = domain_of(addr), *vd;

	if (strcasecmp(method, "dkim") == 0) {
		if (strcasecmp(prop, "header.d") == 0)
			return strcasecmp(value, dom) == 0;
		if (strcasecmp(prop, "header.i") == 0) {
			vd = strrchr(value, '@');
			return strcasecmp(vd != NULL ? vd + 1 : value, dom) == 0;
		}
	} else if (strcasecmp(method, "dmarc") == 0) {
		if (strcasecmp(prop, "header.from") == 0)
			return strcasecmp(value, dom) == 0;
	} else if (strcasecmp(method, "spf") == 0) {
		if (strcasecmp(prop, "smtp.mailfrom") == 0)
			return strchr(value, '@') != NULL ?
			    strcasecmp(value, addr) == 0 :
			    strcasecmp(value, dom) == 0;
	}
	return 0;
}

/* Is tok[i] the start of "word = word"? */
static int
ar_pair(const struct artok *tok, size_t n, size_t i)
{
	return i + 2 < n && tok[i].kind == 'w' && tok[i + 1].kind == '=' &&
	    tok[i + 2].kind == 'w';
}

/* One resinfo, tok[i] up to the next ";": 1 when it vouches for addr. */
static int
ar_resinfo(const struct artok *tok, size_t n, size_t i, const char *authserv_id,
    const char *addr, char *how, size_t size)
{
	char	*method, *result, *slash;

	if (!ar_pair(tok, n, i))
		return 0;
	method = tok[i].text;
	slash = strchr(method, '/');		/* method/version */
	if (slash != NULL)
		*slash = '\0';
	result = ar_unquote(tok[i + 2].text);
	if (strcasecmp(result, "pass") != 0)
		return 0;
	for (i += 3; i < n && tok[i].kind != ';'; i++) {
		if (!ar_pair(tok, n, i))
			continue;
		if (ar_vouches(method, tok[i].text, ar_unquote(tok[i + 2].text),
		    addr)) {
			snprintf(how, size, "%s=pass %s=%s (%s)", method,
			    tok[i].text, tok[i + 2].text, authserv_id);
			return 1;
		}
		i += 2;
	}
	return 0;
}

/* One header value t (changed): 1 when a result in it vouches for addr. */
static int
ar_one(char *t, const char *authserv_id, const char *addr, char *how,
    size_t size)
{
	struct artok	*tok;
	char		*store;
	size_t		 n, i, len = strlen(t);
	int		 yes = 0;

	tok = calloc(len + 1, sizeof(*tok));
	store = malloc(2 * len + 2);
	if (tok == NULL || store == NULL)
		goto out;	/* out of memory: vouches for nobody */
	ar_blank_comments(t);
	n = ar_tokens(t, tok, len + 1, store);
	if (n == 0 || tok[0].kind != 'w' ||
	    strcasecmp(ar_unquote(tok[0].text), authserv_id) != 0)
		goto out;
	for (i = 1; i < n && !yes; i++)
		if (tok[i - 1].kind == ';')
			yes = ar_resinfo(tok, n, i, authserv_id, addr, how, size);
out:
	free(store);
	free(tok);
	return yes;
}

int
imip_authenticated(const char *const *results, size_t n,
    const char *authserv_id, const char *addr, char *how, size_t size)
{
	char	*t;
	size_t	 i;
	int	 yes = 0;

	if (size > 0)
		how[0] = '\0';
	if (authserv_id == NULL || authserv_id[0] == '\0' || addr == NULL ||
	    domain_of(addr) == NULL)
		return 0;
	for (i = 0; i < n && !yes; i++) {
		if (results[i] == NULL)
			continue;
		t = util_strdup(results[i]);
		if (t == NULL)
			return 0;	/* out of memory: vouches for nobody */
		yes = ar_one(t, authserv_id, addr, how, size);
		free(t);
	}
	return yes;
}
