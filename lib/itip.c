/*
 * itip: build a session's REQUEST or CANCEL (RFC 5546) with libical, check
 * it with icalrestriction_check() on a clone (the check adds X-LIC-ERROR
 * properties to what it checks), and read REPLY messages.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "itip.h"
#include "tzconv.h"

char *
itip_uid(const char *program, const char *mentor, const char *mentee,
    unsigned index, const char *domain)
{
	const char	*parts[3] = { program, mentor, mentee };
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	const char	*p;
	char		*uid;
	int		 i;

	for (i = 0; i < 3; i++) {
		for (p = parts[i]; *p != '\0'; p++) {
			h ^= (unsigned char)tolower((unsigned char)*p);
			h *= 0x100000001b3ULL;
		}
		h ^= 0xff;		/* a separator no address contains */
		h *= 0x100000001b3ULL;
	}
	if (asprintf(&uid, "tandem-%016llx-%u@%s", (unsigned long long)h, index,
	    domain) < 0)
		return NULL;
	return uid;
}

icalproperty *
itip_organizer(const char *uri, const char *cn)
{
	icalproperty	*p = icalproperty_new_organizer(uri);

	if (cn != NULL && cn[0] != '\0')
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
	return p;
}

int
itip_is_tandem_uid(const char *uid)
{
	size_t	i;

	if (uid == NULL || strncmp(uid, "tandem-", 7) != 0)
		return 0;
	for (i = 7; i < 23; i++)
		if (!isxdigit((unsigned char)uid[i]))
			return 0;
	if (uid[23] != '-' || !isdigit((unsigned char)uid[24]))
		return 0;
	for (i = 25; isdigit((unsigned char)uid[i]); i++)
		;
	return uid[i] == '@';
}

/* t as a wall time of tz, with tz set (DST-correct; see tzconv.c). */
static struct icaltimetype
wall(int64_t t, icaltimezone *tz)
{
	struct icaltimetype	w = icaltime_null_time();
	int			sec;
	int32_t			day = tzconv_local_day(tz, t, &sec);

	civil_from_days(day, &w.year, &w.month, &w.day);
	w.hour = sec / 3600;
	w.minute = sec % 3600 / 60;
	w.second = sec % 60;
	w.zone = tz;
	return w;
}


static struct icaltimetype
utc(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

/*
 * The zone's name in messages: its IANA name ("Europe/Berlin"), which every
 * client knows, not libical's "/freeassociation.sourceforge.net/..." TZID.
 */
static const char *
zone_name(icaltimezone *tz)
{
	const char	*n = icaltimezone_get_location(tz);

	return n != NULL ? n : icaltimezone_get_tzid(tz);
}

static icalproperty *
zoned(icalproperty *p, icaltimezone *tz)
{
	icalparameter	*old;

	while ((old = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) != NULL)
		icalproperty_remove_parameter_by_ref(p, old);
	icalproperty_add_parameter(p, icalparameter_new_tzid(zone_name(tz)));
	return p;
}

/*
 * The VTIMEZONE of tz, named as zone_name() says and cut to the rules in
 * force from a year before start (libical's copy goes back to 1893), in the
 * form Outlook reads too.
 */
static icalcomponent *
vtimezone(icaltimezone *tz, int64_t start)
{
	icalcomponent	*vtz = icaltimezone_get_component(tz), *c;
	icalproperty	*p;

	if (vtz == NULL)
		return NULL;
	c = icalcomponent_new_clone(vtz);
	icaltimezone_truncate_vtimezone(c, utc(start - 366 * 86400),
	    icaltime_null_time(), 1);
	p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
	if (p != NULL)
		icalproperty_set_tzid(p, zone_name(tz));
	return c;
}

static char *
mailto(const char *email)
{
	char	*s;

	if (strncasecmp(email, "mailto:", 7) == 0)
		return util_strdup(email);
	return asprintf(&s, "mailto:%s", email) < 0 ? NULL : s;
}

static icalproperty *
attendee(const struct itip_person *who, enum itip_method m)
{
	icalproperty	*p;
	char		*uri = mailto(who->email);

	if (uri == NULL)
		return NULL;
	p = icalproperty_new_attendee(uri);
	free(uri);
	if (who->name != NULL && who->name[0] != '\0')
		icalproperty_add_parameter(p, icalparameter_new_cn(who->name));
	icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	icalproperty_add_parameter(p, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
	if (m == ITIP_REQUEST) {
		icalproperty_add_parameter(p,
		    icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return p;
}

/* A VEVENT with the session's UID, SEQUENCE and DTSTAMP. */
static icalcomponent *
stamped(const struct itip_session *s)
{
	icalcomponent	*ev = icalcomponent_new_vevent();

	icalcomponent_add_property(ev, icalproperty_new_uid(s->uid));
	icalcomponent_add_property(ev, icalproperty_new_sequence(s->sequence));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc(s->dtstamp)));
	return ev;
}

/* ORGANIZER and the two ATTENDEEs. */
static void
people(icalcomponent *ev, const struct itip_session *s, enum itip_method m)
{
	icalproperty	*p;
	int		 i;

	if (s->organizer != NULL)
		icalcomponent_add_property(ev, itip_organizer(s->organizer,
		    s->organizer_cn));
	for (i = 0; i < 2; i++) {
		p = attendee(&s->who[i], m);
		if (p != NULL)
			icalcomponent_add_property(ev, p);
	}
}

static icalcomponent *
event(const struct itip_session *s, enum itip_method m)
{
	icalcomponent	*ev = stamped(s);

	icalcomponent_add_property(ev, zoned(icalproperty_new_dtstart(
	    wall(s->start, s->tz)), s->tz));
	icalcomponent_add_property(ev, zoned(icalproperty_new_dtend(
	    wall(s->end, s->tz)), s->tz));
	people(ev, s, m);
	icalcomponent_add_property(ev, icalproperty_new_summary(s->summary));
	if (s->description != NULL)
		icalcomponent_add_property(ev,
		    icalproperty_new_description(s->description));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	if (m == ITIP_CANCEL)
		icalcomponent_add_property(ev,
		    icalproperty_new_status(ICAL_STATUS_CANCELLED));
	else
		icalcomponent_add_property(ev,
		    icalproperty_new_status(ICAL_STATUS_CONFIRMED));
	return ev;
}

/* The X-LIC-ERRORs the check left on comp, to diag; how many. */
static int
complaints(icalcomponent *comp, const char *uid, struct tandem_diag *diag)
{
	icalproperty	*p;
	int		 n = 0;

	for (p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(comp,
	    ICAL_XLICERROR_PROPERTY), n++)
		diag_add(diag, uid, 0, "not a valid iTIP message: %s",
		    icalproperty_get_xlicerror(p));
	return n;
}

/* icalrestriction_check() on a clone; its complaints go to diag. */
static int
restrictions(icalcomponent *vcal, const char *uid, struct tandem_diag *diag)
{
	icalcomponent	*c = icalcomponent_new_clone(vcal);
	int		 ok, n;

	if (c == NULL)
		return TANDEM_ENOMEM;
	ok = icalrestriction_check(c);
	if (!ok) {
		n = complaints(c, uid, diag);
		n += complaints(icalcomponent_get_first_component(c,
		    ICAL_VEVENT_COMPONENT), uid, diag);
		if (n == 0)
			diag_add(diag, uid, 0, "not a valid iTIP message");
	}
	icalcomponent_free(c);
	icalerror_clear_errno();
	return ok ? 0 : TANDEM_EINVAL;
}

static icalcomponent *
declinecounter(const struct itip_session *s)
{
	icalcomponent	*ev = stamped(s);

	people(ev, s, ITIP_DECLINECOUNTER);
	return ev;
}

int
itip_build(const struct itip_session *s, enum itip_method m, char **text,
    struct tandem_diag *diag)
{
	icalcomponent	*vcal, *vtz;
	int		 rc;

	if (tandem_fails_assert(s != NULL && text != NULL && s->uid != NULL &&
	    s->tz != NULL && s->summary != NULL && s->who[0].email != NULL &&
	    s->who[1].email != NULL && s->end > s->start))
		return TANDEM_EINVAL;
	*text = NULL;
	vcal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(vcal, icalproperty_new_prodid(
	    "-//tandem//tandem " PACKAGE_VERSION "//EN"));
	icalcomponent_add_property(vcal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(vcal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(vcal, icalproperty_new_method(
	    m == ITIP_CANCEL ? ICAL_METHOD_CANCEL : m == ITIP_DECLINECOUNTER ?
	    ICAL_METHOD_DECLINECOUNTER : ICAL_METHOD_REQUEST));
	vtz = vtimezone(s->tz, s->start);
	if (vtz != NULL)
		icalcomponent_add_component(vcal, vtz);
	if (m == ITIP_DECLINECOUNTER) {
		/*
		 * RFC 5546 3.2.8: UID, DTSTAMP, ORGANIZER, ATTENDEE 1+ and
		 * the SEQUENCE echoed, no time, no summary.  libical 3.0's
		 * table wants no ATTENDEE and no SEQUENCE, against the RFC,
		 * so its check is not asked for this method.
		 */
		icalcomponent_add_component(vcal, declinecounter(s));
		rc = 0;
	} else {
		icalcomponent_add_component(vcal, event(s, m));
		rc = restrictions(vcal, s->uid, diag);
	}
	if (rc == 0) {
		*text = icalcomponent_as_ical_string_r(vcal);
		if (*text == NULL)
			rc = TANDEM_ENOMEM;
	}
	icalcomponent_free(vcal);
	icalerror_clear_errno();
	return rc;
}

static int
partstat(icalproperty *att, enum itip_partstat *ps)
{
	icalparameter	*p = icalproperty_get_first_parameter(att,
	    ICAL_PARTSTAT_PARAMETER);

	switch (p == NULL ? ICAL_PARTSTAT_NEEDSACTION : icalparameter_get_partstat(p)) {
	case ICAL_PARTSTAT_NEEDSACTION:
		*ps = ITIP_NEEDS_ACTION;
		return 0;
	case ICAL_PARTSTAT_ACCEPTED:
		*ps = ITIP_ACCEPTED;
		return 0;
	case ICAL_PARTSTAT_DECLINED:
		*ps = ITIP_DECLINED;
		return 0;
	case ICAL_PARTSTAT_TENTATIVE:
		*ps = ITIP_TENTATIVE;
		return 0;
	case ICAL_PARTSTAT_DELEGATED:
		*ps = ITIP_DELEGATED;
		return 0;
	default:
		return -1;
	}
}

static int64_t
instant(icalproperty *p, struct icaltimetype t)
{
	icalparameter	*tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	icaltimezone	*tz = NULL;

	if (tzid != NULL)
		tz = icaltimezone_get_builtin_timezone(icalparameter_get_tzid(tzid));
	if (icaltime_is_utc(t) || tz == NULL)
		tz = icaltimezone_get_utc_timezone();
	return tzconv_local_to_utc(tz, t);
}

/*
 * Fill r from the VEVENT of a REPLY, COUNTER or REFRESH; a message for diag
 * when it does not do.  A REPLY and a REFRESH name exactly one ATTENDEE; a
 * COUNTER may repeat them all, and its first one is taken.
 */
static const char *
reply_event(icalcomponent *ev, struct itip_reply *r)
{
	icalproperty	*att, *p;
	const char	*addr;
	char		*a;

	if (icalcomponent_get_uid(ev) == NULL)
		return "the VEVENT has no UID";
	att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	if (att == NULL)
		return "the message names no ATTENDEE";
	if (r->method != ITIP_IN_COUNTER && icalcomponent_get_next_property(ev,
	    ICAL_ATTENDEE_PROPERTY) != NULL)
		return r->method == ITIP_IN_REPLY ? "a REPLY names exactly one "
		    "ATTENDEE" : "a REFRESH names exactly one ATTENDEE";
	if (partstat(att, &r->partstat) < 0 && r->method == ITIP_IN_REPLY)
		return "unknown PARTSTAT";
	if (r->method == ITIP_IN_COUNTER) {
		p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
		if (p == NULL || icaltime_is_date(icalproperty_get_dtstart(p)))
			return "a COUNTER proposes no DTSTART with a time";
		r->start = instant(p, icalproperty_get_dtstart(p));
		p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
		r->end = p != NULL ? instant(p, icalproperty_get_dtend(p)) : 0;
	}
	addr = icalproperty_get_attendee(att);
	if (addr == NULL)
		return "the ATTENDEE has no address";
	if (strncasecmp(addr, "mailto:", 7) == 0)
		addr += 7;
	r->uid = util_strdup(icalcomponent_get_uid(ev));
	r->attendee = a = util_strdup(addr);
	if (r->uid == NULL || a == NULL)
		return NULL;		/* ENOMEM: the caller checks */
	for (; *a != '\0'; a++)
		*a = (char)tolower((unsigned char)*a);
	p = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY);
	r->sequence = p != NULL ? icalproperty_get_sequence(p) : 0;
	p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY);
	if (p != NULL)
		r->dtstamp = instant(p, icalproperty_get_dtstamp(p));
	p = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
	if (p != NULL)
		r->recurrence_id = instant(p, icalproperty_get_recurrenceid(p));
	return "";
}

static int
method_in(icalproperty_method m, enum itip_in_method *out)
{
	switch (m) {
	case ICAL_METHOD_REPLY:
		*out = ITIP_IN_REPLY;
		return 0;
	case ICAL_METHOD_COUNTER:
		*out = ITIP_IN_COUNTER;
		return 0;
	case ICAL_METHOD_REFRESH:
		*out = ITIP_IN_REFRESH;
		return 0;
	default:
		return -1;
	}
}

int
itip_parse_reply(const char *source, const char *text, struct itip_reply *r,
    struct tandem_diag *diag)
{
	icalcomponent	*vcal, *ev;
	const char	*why;
	int		 rc = 0;

	if (tandem_fails_assert(source != NULL && text != NULL && r != NULL))
		return TANDEM_EINVAL;
	memset(r, 0, sizeof(*r));
	vcal = icalparser_parse_string(text);
	icalerror_clear_errno();
	if (vcal == NULL || icalcomponent_isa(vcal) != ICAL_VCALENDAR_COMPONENT)
		why = "not iCalendar data";
	else if (method_in(icalcomponent_get_method(vcal), &r->method) < 0)
		why = "not a REPLY, COUNTER or REFRESH (METHOD)";
	else if ((ev = icalcomponent_get_first_component(vcal,
	    ICAL_VEVENT_COMPONENT)) == NULL)
		why = "the message has no VEVENT";
	else
		why = reply_event(ev, r);
	if (why == NULL)
		rc = TANDEM_ENOMEM;
	else if (why[0] != '\0') {
		diag_add(diag, source, 0, "%s", why);
		rc = TANDEM_EPARSE;
	}
	if (rc < 0)
		itip_reply_clear(r);
	if (vcal != NULL)
		icalcomponent_free(vcal);
	icalerror_clear_errno();
	return rc;
}

void
itip_reply_clear(struct itip_reply *r)
{
	if (r == NULL)
		return;
	free(r->uid);
	free(r->attendee);
	memset(r, 0, sizeof(*r));
}
