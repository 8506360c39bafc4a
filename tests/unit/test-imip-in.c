/*
 * imip_in: the calendar object of e-mails as mail clients send them back
 * (Outlook: base64 inside multipart/alternative; Gmail: quoted-printable
 * plus an application/ics copy; a Latin-1 client), and messages that carry
 * none, which are refused by name.
 */
#include <stdlib.h>
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "imip_in.h"
#include "itip.h"

#define CAL "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n" \
	"METHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u-1@corp.example\r\n" \
	"DTSTAMP:20270105T120000Z\r\nSEQUENCE:0\r\n" \
	"ATTENDEE;PARTSTAT=DECLINED;CN=Marc Dubois:mailto:marc@corp.example\r\n" \
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

static char *
b64(const char *s)
{
	static const char	a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			n = strlen(s), i, o = 0;
	char			*out = malloc(n * 2 + 8);
	unsigned		v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
		if (o % 77 == 76)
			out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}

TEST(outlook_base64_inside_alternative)
{
	char	*enc = b64(CAL), *msg = NULL, *ics = NULL, *from = NULL;

	ASSERT_TRUE(asprintf(&msg, "From: Marc Dubois <Marc@Corp.Example>\r\n"
	    "To: mentoring@corp.example\r\nSubject: Declined\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\n"
	    "Content-Type: multipart/alternative; boundary=A\r\n\r\n--A\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nNo.\r\n--A\r\n"
	    "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--A--\r\n--M--\r\n",
	    enc) > 0);
	ASSERT_EQ(imip_extract("m", msg, strlen(msg), &ics, &from, NULL), 0);
	ASSERT_STR_EQ(ics, CAL);
	ASSERT_STR_EQ(from, "Marc@Corp.Example");
	free(enc);
	free(msg);
	free(ics);
	free(from);
}

TEST(quoted_printable_and_latin1_are_decoded)
{
	const char	*msg = "From: lena@corp.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; charset=iso-8859-1; method=REPLY\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	    "ATTENDEE;CN=3DJ=FCrgen M=FCller;PARTSTAT=3DACCEPTED:mailto:j@x\r\n"
	    "UID:u-2@corp.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	char		*ics = NULL;

	ASSERT_EQ(imip_extract("m", msg, strlen(msg), &ics, NULL, NULL), 0);
	ASSERT_TRUE(strstr(ics, "CN=J\xc3\xbcrgen M\xc3\xbcller;PARTSTAT=ACCEPTED:")
	    != NULL);
	free(ics);
}

TEST(an_ics_attachment_alone_is_taken)
{
	char	*enc = b64(CAL), *msg = NULL, *ics = NULL;
	struct itip_reply r;

	ASSERT_TRUE(asprintf(&msg, "From: marc@corp.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\n"
	    "Content-Type: text/plain\r\n\r\nSee attached.\r\n--M\r\n"
	    "Content-Type: application/ics; name=invite.ics\r\n"
	    "Content-Disposition: attachment; filename=invite.ics\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--M--\r\n", enc) > 0);
	ASSERT_EQ(imip_extract("m", msg, strlen(msg), &ics, NULL, NULL), 0);
	ASSERT_EQ(itip_parse_reply("m", ics, &r, NULL), 0);
	ASSERT_EQ(r.partstat, ITIP_DECLINED);
	ASSERT_STR_EQ(r.attendee, "marc@corp.example");
	itip_reply_clear(&r);
	free(enc);
	free(msg);
	free(ics);
}

TEST(messages_without_a_calendar_are_refused_by_name)
{
	struct tandem_diag	*d = tandem_diag_new();
	const char		*plain = "From: a@x\r\nSubject: hi\r\n\r\nhello\r\n";
	const char		*junk = "\x01\x02 not mail at all";
	const char		*fwd = "From: a@x\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: message/rfc822\r\n\r\nFrom: b@x\r\n"
	    "Content-Type: text/calendar\r\n\r\n" CAL;
	char			*ics = (char *)"x", *from = (char *)"x";

	ASSERT_EQ(imip_extract("plain", plain, strlen(plain), &ics, &from, d),
	    TANDEM_EPARSE);
	ASSERT_TRUE(ics == NULL && from == NULL);
	ASSERT_EQ(imip_extract("junk", junk, strlen(junk), &ics, NULL, d),
	    TANDEM_EPARSE);
	ASSERT_EQ(imip_extract("fwd", fwd, strlen(fwd), &ics, NULL, d),
	    TANDEM_EPARSE);
	ASSERT_EQ(imip_extract("empty", "", 0, &ics, NULL, d), TANDEM_EPARSE);
	ASSERT_EQ(tandem_diag_count(d), 4);
	ASSERT_STR_EQ(tandem_diag_get(d, 0), "plain: the message has no "
	    "text/calendar part");
	ASSERT_STR_EQ(tandem_diag_get(d, 1), "junk: not an e-mail (RFC 5322) "
	    "message");
	ASSERT_STR_EQ(tandem_diag_get(d, 2), "fwd: the message has no "
	    "text/calendar part");
	ASSERT_STR_EQ(tandem_diag_get(d, 3), "empty: not an e-mail (RFC 5322) "
	    "message");
	tandem_diag_free(d);
}

TT_MAIN(
	CASE(outlook_base64_inside_alternative),
	CASE(quoted_printable_and_latin1_are_decoded),
	CASE(an_ics_attachment_alone_is_taken),
	CASE(messages_without_a_calendar_are_refused_by_name)
)
