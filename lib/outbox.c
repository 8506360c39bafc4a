/*
 * outbox: render an invitation with GMime (see outbox.h) and drop it into
 * the outbox folder atomically.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "tandem-int.h"
#include "outbox.h"
#include "tzconv.h"

static pthread_once_t	gmime_once = PTHREAD_ONCE_INIT;

static void
gmime_start(void)
{
	g_mime_init();
}

/* "Mon 2027-01-11 10:15-11:15 (Europe/Berlin)": the slot in zone name. */
static void
local_slot(const struct itip_session *s, const char *name, char *buf, size_t size)
{
	icaltimezone	*tz = icaltimezone_get_builtin_timezone(name);
	char		 a[40], b[40];

	if (tz == NULL)
		tz = icaltimezone_get_utc_timezone();
	tzconv_format(tz, s->start, a, sizeof(a));
	tzconv_format(tz, s->end, b, sizeof(b));
	snprintf(buf, size, "%s-%s (%s)", a, b + 15, name);
}

const char *
outbox_method_name(enum itip_method m)
{
	switch (m) {
	case ITIP_CANCEL:
		return "CANCEL";
	case ITIP_DECLINECOUNTER:
		return "DECLINECOUNTER";
	default:
		return "REQUEST";
	}
}

static char *
plain_text(const struct outbox_msg *m)
{
	const struct itip_session *s = m->s;
	char	slot[2][96], *t;
	int	i;

	for (i = 0; i < 2; i++)
		local_slot(s, m->tz[i], slot[i], sizeof(slot[i]));
	if (asprintf(&t, "%s\n\n%s\n\n  %s: %s\n  %s: %s\n%s%s",
	    m->method == ITIP_CANCEL ? "This session is cancelled." :
	    m->method == ITIP_DECLINECOUNTER ? "The session stays where it is: "
	    "your proposal of another time is declined." :
	    "You are invited to a mentoring session.", s->summary,
	    s->who[0].name ? s->who[0].name : s->who[0].email, slot[0],
	    s->who[1].name ? s->who[1].name : s->who[1].email, slot[1],
	    s->description && m->method == ITIP_REQUEST ? "\n" : "",
	    s->description && m->method == ITIP_REQUEST ? s->description : "") < 0)
		return NULL;
	return t;
}

/*
 * A UTF-8 text part.  g_mime_text_part_set_text() would convert the text to
 * the smallest charset that holds it (ISO-8859-1 for "Léna"), so the bytes
 * go in as they are.  ASCII stays 7bit; anything else is quoted-printable
 * or base64, whichever GMime finds smaller, so that no 8BITMIME is needed.
 */
static GMimeObject *
text_part(const char *subtype, const char *text)
{
	GMimeTextPart	 *p = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream	 *mem = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(GMIME_PART(p), dw);
	g_mime_text_part_set_charset(p, "UTF-8");
	g_mime_part_set_content_encoding(GMIME_PART(p),
	    g_mime_part_get_best_content_encoding(GMIME_PART(p),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	g_object_unref(dw);
	g_object_unref(mem);
	return GMIME_OBJECT(p);
}

static GMimeObject *
attachment(const char *ics)
{
	GMimePart	*p = g_mime_part_new_with_type("application", "ics");
	GMimeStream	*mem = g_mime_stream_mem_new_with_buffer(ics, strlen(ics));
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(p, dw);
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_part_set_filename(p, "invite.ics");
	g_object_unref(dw);
	g_object_unref(mem);
	return GMIME_OBJECT(p);
}

/*
 * A boundary made from the job's key, not GMime's random one, so that the
 * same message renders to the same bytes (tests compare them; a re-render
 * after a crash is identical).
 */
static void
boundary(GMimeMultipart *mp, const char *kind, const char *key)
{
	uint64_t	h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	char		b[64];

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ULL;
	}
	snprintf(b, sizeof(b), "=-tandem-%s-%016llx", kind, (unsigned long long)h);
	g_mime_multipart_set_boundary(mp, b);
}

static GMimeObject *
body(const struct outbox_msg *m, const char *plain)
{
	GMimeMultipart	*mixed = g_mime_multipart_new_with_subtype("mixed");
	GMimeMultipart	*alt = g_mime_multipart_new_with_subtype("alternative");
	GMimeObject	*part;

	boundary(mixed, "mixed", m->key);
	boundary(alt, "alt", m->key);
	part = text_part("plain", plain);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	part = text_part("calendar", m->ics);
	g_mime_object_set_content_type_parameter(part, "method",
	    outbox_method_name(m->method));
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
	g_object_unref(alt);
	part = attachment(m->ics);
	g_mime_multipart_add(mixed, part);
	g_object_unref(part);
	return GMIME_OBJECT(mixed);
}

static void
headers(GMimeMessage *msg, const struct outbox_msg *m)
{
	const struct itip_session *s = m->s;
	GDateTime	*date = g_date_time_new_from_unix_utc(s->dtstamp);
	char		 subject[512];
	int		 i;

	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, m->from_name,
	    m->from_addr);
	for (i = 0; i < 2; i++)
		if (m->only == 0 || m->only == 1 + i)
			g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO,
			    s->who[i].name, s->who[i].email);
	snprintf(subject, sizeof(subject), "%s%s", m->method == ITIP_CANCEL ?
	    "Cancelled: " : m->method == ITIP_DECLINECOUNTER ? "Not moved: " :
	    "Invitation: ", s->summary);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	g_mime_message_set_message_id(msg, m->key);
}

int
outbox_render(const struct outbox_msg *m, char **eml, size_t *len)
{
	GMimeFormatOptions	*fo;
	GMimeMessage		*msg;
	GMimeObject		*part;
	char			*plain, *text;

	if (tandem_fails_assert(m != NULL && m->s != NULL && m->ics != NULL &&
	    m->key != NULL && m->from_addr != NULL && m->tz[0] != NULL &&
	    m->tz[1] != NULL && eml != NULL))
		return TANDEM_EINVAL;
	pthread_once(&gmime_once, gmime_start);
	plain = plain_text(m);
	if (plain == NULL)
		return TANDEM_ENOMEM;
	msg = g_mime_message_new(TRUE);
	headers(msg, m);
	part = body(m, plain);
	g_mime_message_set_mime_part(msg, part);
	g_object_unref(part);
	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	text = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	free(plain);
	*eml = text != NULL ? strdup(text) : NULL;
	g_free(text);
	if (*eml == NULL)
		return TANDEM_ENOMEM;
	if (len != NULL)
		*len = strlen(*eml);
	return 0;
}

/* dir/PREFIX + key + SUFFIX, with the key made safe as a file name. */
static char *
file_name(const char *dir, const char *key, const char *prefix, const char *suffix)
{
	char	*p, *k;
	size_t	 i;

	if (asprintf(&p, "%s/%s%s%s", dir, prefix, key, suffix) < 0)
		return NULL;
	k = p + strlen(dir) + 1 + strlen(prefix);
	for (i = 0; i < strlen(key); i++)
		if (!isalnum((unsigned char)k[i]) && strchr("._@-", k[i]) == NULL)
			k[i] = '_';
	return p;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
outbox_write(const char *dir, const char *key, const char *eml, size_t len,
    struct tandem_diag *diag)
{
	char	*tmp = file_name(dir, key, ".tmp-", ".eml");
	char	*dst = file_name(dir, key, "", ".eml");
	int	 fd = -1, rc = 0;

	if (tmp == NULL || dst == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || (rc = write_all(fd, eml, len)) < 0 || fsync(fd) < 0) {
		rc = rc < 0 ? rc : -errno;
		diag_add(diag, dir, 0, "outbox: cannot write %s: %s", tmp, strerror(-rc));
		goto out;
	}
	if (link(tmp, dst) < 0) {
		rc = errno == EEXIST ? 1 : -errno;
		if (rc < 0)
			diag_add(diag, dir, 0, "outbox: cannot create %s: %s", dst,
			    strerror(-rc));
	}
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	if (rc == 0 && (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);	/* the new name is durable too */
		close(fd);
	}
	free(tmp);
	free(dst);
	return rc;
}
