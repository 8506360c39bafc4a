/*
 * imip_in: the iCalendar object of an e-mail handed in by the MTA (RFC
 * 6047), for tandemctl ingest-mail.  GMime parses the message; the first
 * text/calendar part anywhere in it is taken (else the first application/ics
 * attachment), its transfer encoding undone and its charset made UTF-8.
 */
#include <stdlib.h>
#include <string.h>

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

int
imip_extract(const char *source, const char *msg, size_t len, char **ics,
    char **from, struct tandem_diag *diag)
{
	GMimeStream		*stream;
	GMimeParser		*parser;
	GMimeMessage		*m;
	GMimeObject		*part;
	InternetAddressList	*l;
	InternetAddress		*a;
	int			 rc = 0;

	*ics = NULL;
	if (from != NULL)
		*from = NULL;
	init_once();
	stream = g_mime_stream_mem_new_with_buffer(msg, len);
	parser = g_mime_parser_new_with_stream(stream);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (m == NULL || g_mime_object_get_header(GMIME_OBJECT(m), "From") == NULL) {
		diag_add(diag, source, 0, "not an e-mail (RFC 5322) message");
		if (m != NULL)
			g_object_unref(m);
		return TANDEM_EPARSE;
	}
	part = find_part(g_mime_message_get_mime_part(m), "text", "calendar", 0);
	if (part == NULL)
		part = find_part(g_mime_message_get_mime_part(m), "application",
		    "ics", 0);
	if (part == NULL) {
		diag_add(diag, source, 0, "the message has no text/calendar part");
		rc = TANDEM_EPARSE;
	} else if ((*ics = part_text(part)) == NULL) {
		diag_add(diag, source, 0, "the message's text/calendar part is empty");
		rc = TANDEM_EPARSE;
	}
	l = g_mime_message_get_from(m);
	a = l != NULL && internet_address_list_length(l) > 0 ?
	    internet_address_list_get_address(l, 0) : NULL;
	if (rc == 0 && from != NULL && a != NULL && INTERNET_ADDRESS_IS_MAILBOX(a))
		*from = util_strdup(internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a)));
	g_object_unref(m);
	return rc;
}
