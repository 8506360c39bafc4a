/*
 * outbox: the .eml of an invitation, read back with GMime as a mail client
 * would, and the folder that receives it atomically and once.
 */
#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "tt.h"
#include "tandem-int.h"
#include "itip.h"
#include "outbox.h"

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static struct itip_session	 S;
static struct outbox_msg	 M;
static char			*ics;

/* Lena (Berlin) and Priya (New York): Mon 2027-01-11 10:15 Berlin, 04:15 there. */
static void
setup(enum itip_method method)
{
	memset(&S, 0, sizeof(S));
	S.uid = "tandem-0123456789abcdef-1@corp.example";
	S.dtstamp = utc(2027, 1, 4, 8, 0);
	S.start = utc(2027, 1, 11, 9, 15);
	S.end = utc(2027, 1, 11, 10, 15);
	S.tz = icaltimezone_get_builtin_timezone("Europe/Berlin");
	S.organizer = "mailto:mentoring@corp.example";
	S.organizer_cn = "Mentoring Program";
	S.who[0].email = "lena.vogel@corp.example";
	S.who[0].name = "Lena Vogel";
	S.who[1].email = "priya.shah@corp.example";
	S.who[1].name = "Priya Shah";
	S.summary = "Reverse mentoring: Lena Vogel / Priya Shah (1)";
	S.description = "Bring one question.";
	ASSERT_EQ(itip_build(&S, method, &ics, NULL), 0);
	memset(&M, 0, sizeof(M));
	M.key = "tandem-0123456789abcdef-1@corp.example/0/REQUEST";
	M.from_name = "Mentoring Program";
	M.from_addr = "mentoring@corp.example";
	M.s = &S;
	M.tz[0] = "Europe/Berlin";
	M.tz[1] = "America/New_York";
	M.method = method;
	M.ics = ics;
}

static GMimeMessage *
parse(const char *eml)
{
	GMimeStream	*st = g_mime_stream_mem_new_with_buffer(eml, strlen(eml));
	GMimeParser	*p = g_mime_parser_new_with_stream(st);
	GMimeMessage	*msg = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	ASSERT_TRUE(msg != NULL);
	return msg;
}

static const char *
type_of(GMimeObject *o)
{
	static char	buf[4][128];
	static int	k;
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", g_mime_content_type_get_media_type(ct),
	    g_mime_content_type_get_media_subtype(ct));
	return buf[k];
}

static char *
text_of(GMimeObject *o)
{
	return g_mime_text_part_get_text(GMIME_TEXT_PART(o));
}

TEST(an_invitation_is_mixed_of_alternative_text_and_calendar_plus_the_ics)
{
	GMimeMessage	*msg;
	GMimeObject	*top, *alt, *plain, *cal, *att;
	char		*eml = NULL, *t;

	setup(ITIP_REQUEST);
	ASSERT_EQ(outbox_render(&M, &eml, NULL), 0);
	msg = parse(eml);
	top = g_mime_message_get_mime_part(msg);
	ASSERT_STR_EQ(type_of(top), "multipart/mixed");
	ASSERT_EQ(g_mime_multipart_get_count(GMIME_MULTIPART(top)), 2);
	alt = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
	att = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
	ASSERT_STR_EQ(type_of(alt), "multipart/alternative");
	plain = g_mime_multipart_get_part(GMIME_MULTIPART(alt), 0);
	cal = g_mime_multipart_get_part(GMIME_MULTIPART(alt), 1);
	ASSERT_STR_EQ(type_of(plain), "text/plain");
	ASSERT_STR_EQ(type_of(cal), "text/calendar");
	ASSERT_STR_EQ(g_mime_object_get_content_type_parameter(cal, "method"), "REQUEST");
	ASSERT_EQ(strcasecmp(g_mime_object_get_content_type_parameter(cal, "charset"),
	    "UTF-8"), 0);
	t = text_of(cal);
	ASSERT_STR_EQ(t, ics);			/* byte for byte */
	g_free(t);
	ASSERT_STR_EQ(type_of(att), "application/ics");
	ASSERT_STR_EQ(g_mime_part_get_filename(GMIME_PART(att)), "invite.ics");
	ASSERT_STR_EQ(g_mime_message_get_subject(msg),
	    "Invitation: Reverse mentoring: Lena Vogel / Priya Shah (1)");
	ASSERT_STR_EQ(g_mime_message_get_message_id(msg), M.key);
	g_object_unref(msg);
	free(eml);
	free(ics);
}

TEST(the_text_gives_each_attendee_the_time_in_their_own_zone)
{
	GMimeMessage	*msg;
	GMimeObject	*alt;
	char		*eml = NULL, *t;

	setup(ITIP_REQUEST);
	ASSERT_EQ(outbox_render(&M, &eml, NULL), 0);
	msg = parse(eml);
	alt = g_mime_multipart_get_part(GMIME_MULTIPART(g_mime_message_get_mime_part(msg)), 0);
	t = text_of(g_mime_multipart_get_part(GMIME_MULTIPART(alt), 0));
	ASSERT_CONTAINS(t, "Lena Vogel: Mon 2027-01-11 10:15-11:15 (Europe/Berlin)");
	ASSERT_CONTAINS(t, "Priya Shah: Mon 2027-01-11 04:15-05:15 (America/New_York)");
	ASSERT_CONTAINS(t, "Bring one question.");
	g_free(t);
	g_object_unref(msg);
	free(eml);
	free(ics);
}

TEST(headers_and_lines_are_what_a_mail_server_expects)
{
	char	*eml = NULL, *p;

	setup(ITIP_REQUEST);
	ASSERT_EQ(outbox_render(&M, &eml, NULL), 0);
	ASSERT_CONTAINS(eml, "From: Mentoring Program <mentoring@corp.example>\r\n");
	ASSERT_CONTAINS(eml, "Lena Vogel <lena.vogel@corp.example>");
	ASSERT_CONTAINS(eml, "Priya Shah");		/* the header may fold here */
	ASSERT_CONTAINS(eml, "<priya.shah@corp.example>\r\n");
	ASSERT_CONTAINS(eml, "Date: Mon, 04 Jan 2027 08:00:00 +0000\r\n");
	ASSERT_CONTAINS(eml, "MIME-Version: 1.0\r\n");
	for (p = strchr(eml, '\n'); p != NULL; p = strchr(p + 1, '\n'))
		ASSERT_TRUE(p > eml && p[-1] == '\r');	/* CRLF only */
	free(eml);
	free(ics);
}

TEST(a_cancel_says_so_in_subject_and_method)
{
	GMimeMessage	*msg;
	GMimeObject	*alt;
	char		*eml = NULL;

	setup(ITIP_CANCEL);
	ASSERT_EQ(outbox_render(&M, &eml, NULL), 0);
	msg = parse(eml);
	ASSERT_STR_EQ(g_mime_message_get_subject(msg),
	    "Cancelled: Reverse mentoring: Lena Vogel / Priya Shah (1)");
	alt = g_mime_multipart_get_part(GMIME_MULTIPART(g_mime_message_get_mime_part(msg)), 0);
	ASSERT_STR_EQ(g_mime_object_get_content_type_parameter(
	    g_mime_multipart_get_part(GMIME_MULTIPART(alt), 1), "method"), "CANCEL");
	g_object_unref(msg);
	free(eml);
	free(ics);
}

TEST(the_same_message_renders_to_the_same_bytes_and_another_key_differs)
{
	char	*a = NULL, *b = NULL, *c = NULL;

	setup(ITIP_REQUEST);
	ASSERT_EQ(outbox_render(&M, &a, NULL), 0);
	ASSERT_EQ(outbox_render(&M, &b, NULL), 0);
	ASSERT_STR_EQ(a, b);		/* no random MIME boundary */
	M.key = "another-key";
	ASSERT_EQ(outbox_render(&M, &c, NULL), 0);
	ASSERT_TRUE(strcmp(a, c) != 0);
	free(a);
	free(b);
	free(c);
	free(ics);
}

static int
count_files(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".tmp-", 5) == 0;
	closedir(d);
	return n;
}

TEST(the_folder_gets_each_message_once_and_never_a_half_file)
{
	char		 dir[64], path[256], *back = NULL;
	struct stat	 st;

	snprintf(dir, sizeof(dir), "/tmp/tandem-outbox-XXXXXX");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	ASSERT_EQ(outbox_write(dir, "uid-1@x/0/REQUEST", "first", 5, NULL), 0);
	ASSERT_EQ(outbox_write(dir, "uid-1@x/0/REQUEST", "second", 6, NULL), 1);
	snprintf(path, sizeof(path), "%s/uid-1@x_0_REQUEST.eml", dir);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(util_read_file(path, 100, &back, NULL), 0);
	ASSERT_STR_EQ(back, "first");		/* the earlier one stands */
	free(back);
	ASSERT_EQ(count_files(dir), 1);		/* no temporary file left */
	unlink(path);
	rmdir(dir);
}

TEST(an_unwritable_folder_is_reported_by_name)
{
	struct tandem_diag	*d = tandem_diag_new();

	ASSERT_TRUE(outbox_write("/nonexistent/outbox", "k", "x", 1, d) < 0);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "/nonexistent/outbox: outbox: cannot write");
	tandem_diag_free(d);
}

TT_MAIN(
	CASE(an_invitation_is_mixed_of_alternative_text_and_calendar_plus_the_ics),
	CASE(the_text_gives_each_attendee_the_time_in_their_own_zone),
	CASE(headers_and_lines_are_what_a_mail_server_expects),
	CASE(a_cancel_says_so_in_subject_and_method),
	CASE(the_same_message_renders_to_the_same_bytes_and_another_key_differs),
	CASE(the_folder_gets_each_message_once_and_never_a_half_file),
	CASE(an_unwritable_folder_is_reported_by_name)
)
