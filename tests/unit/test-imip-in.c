/*
 * imip_in: the calendar object of e-mails as mail clients send them back
 * (Outlook: base64 inside multipart/alternative; Gmail: quoted-printable
 * plus an application/ics copy; a Latin-1 client), and messages that carry
 * none, which are refused by name; the From address and the
 * Authentication-Results (RFC 8601) a receiving MTA adds, and what they
 * vouch for.
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
	char	*enc = b64(CAL), *msg = NULL;
	struct imip_mail m;

	ASSERT_TRUE(asprintf(&msg, "From: Marc Dubois <Marc@Corp.Example>\r\n"
	    "To: mentoring@corp.example\r\nSubject: Declined\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\n"
	    "Content-Type: multipart/alternative; boundary=A\r\n\r\n--A\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nNo.\r\n--A\r\n"
	    "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--A--\r\n--M--\r\n",
	    enc) > 0);
	ASSERT_EQ(imip_read("m", msg, strlen(msg), &m, NULL), 0);
	ASSERT_STR_EQ(m.ics, CAL);
	ASSERT_STR_EQ(m.from, "Marc@Corp.Example");
	ASSERT_EQ(m.nauth, 0);
	imip_mail_clear(&m);
	ASSERT_TRUE(m.ics == NULL && m.from == NULL);
	imip_mail_clear(&m);		/* twice: harmless */
	free(enc);
	free(msg);
}

TEST(quoted_printable_and_latin1_are_decoded)
{
	const char	*msg = "From: lena@corp.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; charset=iso-8859-1; method=REPLY\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	    "ATTENDEE;CN=3DJ=FCrgen M=FCller;PARTSTAT=3DACCEPTED:mailto:j@x\r\n"
	    "UID:u-2@corp.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	struct imip_mail m;

	ASSERT_EQ(imip_read("m", msg, strlen(msg), &m, NULL), 0);
	ASSERT_TRUE(strstr(m.ics, "CN=J\xc3\xbcrgen M\xc3\xbcller;PARTSTAT=ACCEPTED:")
	    != NULL);
	ASSERT_STR_EQ(m.from, "lena@corp.example");
	imip_mail_clear(&m);
}

TEST(an_ics_attachment_alone_is_taken)
{
	char	*enc = b64(CAL), *msg = NULL;
	struct imip_mail m;
	struct itip_reply r;

	ASSERT_TRUE(asprintf(&msg, "From: marc@corp.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\n"
	    "Content-Type: text/plain\r\n\r\nSee attached.\r\n--M\r\n"
	    "Content-Type: application/ics; name=invite.ics\r\n"
	    "Content-Disposition: attachment; filename=invite.ics\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--M--\r\n", enc) > 0);
	ASSERT_EQ(imip_read("m", msg, strlen(msg), &m, NULL), 0);
	ASSERT_EQ(itip_parse_reply("m", m.ics, &r, NULL), 0);
	ASSERT_EQ(r.partstat, ITIP_DECLINED);
	ASSERT_STR_EQ(r.attendee, "marc@corp.example");
	itip_reply_clear(&r);
	imip_mail_clear(&m);
	free(enc);
	free(msg);
}

TEST(messages_without_a_calendar_are_refused_by_name)
{
	struct tandem_diag	*d = tandem_diag_new();
	const char		*plain = "From: a@x\r\nSubject: hi\r\n\r\nhello\r\n";
	const char		*junk = "\x01\x02 not mail at all";
	const char		*fwd = "From: a@x\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: message/rfc822\r\n\r\nFrom: b@x\r\n"
	    "Content-Type: text/calendar\r\n\r\n" CAL;
	struct imip_mail	 m;

	memset(&m, 0xff, sizeof(m));	/* whatever it held: set on failure */
	ASSERT_EQ(imip_read("plain", plain, strlen(plain), &m, d),
	    TANDEM_EPARSE);
	ASSERT_TRUE(m.ics == NULL && m.from == NULL && m.nauth == 0);
	ASSERT_EQ(imip_read("junk", junk, strlen(junk), &m, d), TANDEM_EPARSE);
	ASSERT_EQ(imip_read("fwd", fwd, strlen(fwd), &m, d), TANDEM_EPARSE);
	ASSERT_EQ(imip_read("empty", "", 0, &m, d), TANDEM_EPARSE);
	imip_mail_clear(&m);
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

TEST(from_and_authentication_results_are_read)
{
	const char	*msg = "Authentication-Results: mx.corp.example;\r\n"
	    "\tdkim=pass (2048-bit key) header.d=corp.example\r\n"
	    "Received: from out.corp.example by mx.corp.example\r\n"
	    "ARC-Authentication-Results: i=1; mx.corp.example; dkim=pass\r\n"
	    "authentication-results: other.example; spf=pass\r\n"
	    "\tsmtp.mailfrom=marc@corp.example\r\n"
	    "From: \"Dubois, Marc\" <marc@corp.example>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/calendar; method=REPLY\r\n\r\n" CAL;
	struct imip_mail m;

	ASSERT_EQ(imip_read("m", msg, strlen(msg), &m, NULL), 0);
	ASSERT_STR_EQ(m.from, "marc@corp.example");
	ASSERT_EQ(m.nauth, 2);		/* not ARC's: another header */
	ASSERT_CONTAINS(m.auth[0], "mx.corp.example;");
	ASSERT_CONTAINS(m.auth[0], "header.d=corp.example");
	ASSERT_CONTAINS(m.auth[1], "other.example;");
	ASSERT_CONTAINS(m.auth[1], "smtp.mailfrom=marc@corp.example");
	imip_mail_clear(&m);
	ASSERT_EQ(m.nauth, 0);
}

/* A From of several mailboxes (in one header or two), a group, or none. */
TEST(a_from_of_several_addresses_is_none)
{
	const char *const msgs[] = {
		"From: marc@corp.example, mallory@evil.example\r\n"
		    "Content-Type: text/calendar\r\n\r\n" CAL,
		"From: friends: marc@corp.example;\r\n"
		    "Content-Type: text/calendar\r\n\r\n" CAL,
		"From: marc@corp.example\r\nFrom: mallory@evil.example\r\n"
		    "Content-Type: text/calendar\r\n\r\n" CAL,
		"From: <>\r\nContent-Type: text/calendar\r\n\r\n" CAL,
	};
	struct imip_mail m;
	size_t		 i;

	for (i = 0; i < TANDEM_NELEM(msgs); i++) {
		ASSERT_EQ(imip_read("m", msgs[i], strlen(msgs[i]), &m, NULL), 0);
		ASSERT_TRUE(m.ics != NULL);
		ASSERT_TRUE(m.from == NULL);
		imip_mail_clear(&m);
	}
}

/* A lot of Authentication-Results: the first IMIP_AUTH_MAX are kept. */
TEST(authentication_results_are_bounded)
{
	char		 msg[16384] = "";
	struct imip_mail m;
	int		 i;

	for (i = 0; i < 3 * IMIP_AUTH_MAX; i++)
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
		    "Authentication-Results: mx%d.example; none\r\n", i);
	strcat(msg, "From: marc@corp.example\r\nContent-Type: text/calendar\r\n\r\n"
	    CAL);
	ASSERT_EQ(imip_read("m", msg, strlen(msg), &m, NULL), 0);
	ASSERT_EQ(m.nauth, IMIP_AUTH_MAX);
	ASSERT_CONTAINS(m.auth[0], "mx0.example");
	imip_mail_clear(&m);
}

/* 1 when one value vouches for addr, as mx.corp.example says. */
static int
vouches(const char *value, const char *addr)
{
	const char	*v[1] = { value };
	char		 how[200] = "";
	int		 rc;

	rc = imip_authenticated(v, 1, "mx.corp.example", addr, how, sizeof(how));
	if (rc == 1 && how[0] == '\0')
		TT_FAIL("vouched for %s without saying how", addr);
	return rc;
}

TEST(authentication_results_vouch_for_the_senders_domain)
{
	const char	*marc = "marc@corp.example";
	const char	*v[2];
	char		 how[200];

	/* DKIM: the signing domain (d=), or the identity's (i=). */
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=CORP.Example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.i=@corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.i=marc@corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=evil.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=sub.corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=evilcorp.example", "marc@corp.example"), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=fail header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=neutral header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass", marc), 0);
	/* DMARC: the From domain it checked. */
	ASSERT_EQ(vouches("mx.corp.example; dmarc=pass (p=reject dis=none) "
	    "header.from=corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; dmarc=pass header.from=evil.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dmarc=fail header.from=corp.example", marc), 0);
	/* SPF: the envelope sender, as an address or its domain. */
	ASSERT_EQ(vouches("mx.corp.example; spf=pass smtp.mailfrom=marc@corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; spf=pass smtp.mailfrom=Marc@Corp.Example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; spf=pass smtp.mailfrom=corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; spf=pass smtp.mailfrom=eve@corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; spf=pass smtp.helo=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; spf=softfail smtp.mailfrom=marc@corp.example", marc), 0);
	/* Several results in one header: one that vouches is enough. */
	ASSERT_EQ(vouches("mx.corp.example 1; spf=fail smtp.mailfrom=marc@corp.example; "
	    "dkim=pass header.d=corp.example header.s=sel header.b=AbC+/12=", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; none", marc), 0);
	ASSERT_EQ(vouches("", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example", marc), 0);
	/* Spaces around "=", a folded value, versions. */
	ASSERT_EQ(vouches("mx.corp.example;\r\n\tdkim/1 = pass\r\n header.d = corp.example", marc), 1);
	/* Several headers: any of them. */
	v[0] = "mx.corp.example; dkim=fail header.d=corp.example";
	v[1] = "mx.corp.example; dmarc=pass header.from=corp.example";
	ASSERT_EQ(imip_authenticated(v, 2, "mx.corp.example", marc, how,
	    sizeof(how)), 1);
	ASSERT_CONTAINS(how, "dmarc=pass");
	ASSERT_EQ(imip_authenticated(v, 0, "mx.corp.example", marc, how,
	    sizeof(how)), 0);
	/* Not an address: nobody is vouched for. */
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=corp.example", "corp.example"), 0);
}

/* Anyone can write an Authentication-Results: only the MTA's own count. */
TEST(only_the_configured_authserv_id_is_trusted)
{
	const char	*marc = "marc@corp.example";
	const char	*v[1] = { "mx.corp.example; dkim=pass header.d=corp.example" };
	char		 how[200];

	ASSERT_EQ(vouches("evil.example; dkim=pass header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example.evil.example; dkim=pass header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("corp.example; dkim=pass header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("MX.Corp.Example; dkim=pass header.d=corp.example", marc), 1);
	ASSERT_EQ(vouches("\"mx.corp.example\"; dkim=pass header.d=corp.example", marc), 1);
	ASSERT_EQ(vouches("(the MTA) mx.corp.example (Postfix); dkim=pass header.d=corp.example", marc), 1);
	ASSERT_EQ(imip_authenticated(v, 1, "mx.other.example", marc, how,
	    sizeof(how)), 0);
	ASSERT_EQ(imip_authenticated(v, 1, NULL, marc, how, sizeof(how)), 0);
	ASSERT_EQ(imip_authenticated(v, 1, "", marc, how, sizeof(how)), 0);
}

/* What is in a comment or a quoted string is not a result. */
TEST(comments_and_quotes_do_not_fool_the_reader)
{
	const char	*marc = "marc@corp.example";

	ASSERT_EQ(vouches("mx.corp.example; dkim=fail (dkim=pass header.d=corp.example) "
	    "header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=fail (nested (comment; "
	    "dkim=pass header.d=corp.example) here) header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; spf=fail reason=\"; dkim=pass "
	    "header.d=corp.example\" smtp.mailfrom=marc@corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass header.d=\"corp.example\"", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass (good signature) "
	    "header.d=corp.example (the domain)", marc), 1);
	ASSERT_EQ(vouches("(mx.corp.example); dkim=pass header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass (unterminated header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=\"pass\" header.d=corp.example", marc), 1);
	ASSERT_EQ(vouches("mx.corp.example; x-dkim=pass header.d=corp.example", marc), 0);
	ASSERT_EQ(vouches("mx.corp.example; dkim=pass policy.d=corp.example", marc), 0);
}

TT_MAIN(
	CASE(outlook_base64_inside_alternative),
	CASE(quoted_printable_and_latin1_are_decoded),
	CASE(an_ics_attachment_alone_is_taken),
	CASE(messages_without_a_calendar_are_refused_by_name),
	CASE(from_and_authentication_results_are_read),
	CASE(a_from_of_several_addresses_is_none),
	CASE(authentication_results_are_bounded),
	CASE(authentication_results_vouch_for_the_senders_domain),
	CASE(only_the_configured_authserv_id_is_trusted),
	CASE(comments_and_quotes_do_not_fool_the_reader)
)
