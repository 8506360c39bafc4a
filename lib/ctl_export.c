/*
 * ctl_export: the stored sessions that have a slot as one iCalendar file, for
 * a champion's calendar or an archive.  Each VEVENT carries the UID and
 * SEQUENCE of the session's invitations, so that a calendar that already
 * holds the invitation sees the same event; times are in UTC (no VTIMEZONE
 * needed), each attendee's PARTSTAT is their last reply, and a skipped or
 * cancelled session is STATUS:CANCELLED.  X-TANDEM-STATE says what tandem
 * decided (held, missed, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ctl-int.h"
#include "itip.h"
#include "attendance.h"

struct exportctx {
	struct ctl	*c;
	icalcomponent	*vcal;
};


static icalparameter_partstat
partstat(int reply)
{
	switch (reply) {
	case ATT_ACCEPTED:
		return ICAL_PARTSTAT_ACCEPTED;
	case ATT_TENTATIVE:
		return ICAL_PARTSTAT_TENTATIVE;
	case ATT_DECLINED:
		return ICAL_PARTSTAT_DECLINED;
	default:
		return ICAL_PARTSTAT_NEEDSACTION;
	}
}

/* The display name of email in pg (the address when pg does not know it). */
static const char *
name_of(const struct program *pg, const char *email)
{
	size_t	i;

	for (i = 0; pg != NULL && i < pg->npeople; i++)
		if (strcasecmp(pg->people[i].email, email) == 0 &&
		    pg->people[i].name != NULL && pg->people[i].name[0] != '\0')
			return pg->people[i].name;
	return email;
}

static icalproperty *
attendee(const char *email, const char *name, int reply)
{
	icalproperty	*p;
	char		*uri;

	if (asprintf(&uri, "mailto:%s", email) < 0)
		return NULL;
	p = icalproperty_new_attendee(uri);
	free(uri);
	icalproperty_add_parameter(p, icalparameter_new_cn(name));
	icalproperty_add_parameter(p, icalparameter_new_role(
	    ICAL_ROLE_REQPARTICIPANT));
	icalproperty_add_parameter(p, icalparameter_new_partstat(partstat(reply)));
	return p;
}

static struct icaltimetype
utc(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

static icalcomponent *
event(struct ctl *c, const struct program *pg, const struct store_session *r)
{
	icalcomponent	*ev = icalcomponent_new_vevent();
	icalproperty	*p;
	const char	*names[2] = { name_of(pg, r->mentor), name_of(pg, r->mentee) };
	char		*summary;
	int		 k, cancelled = r->state == TANDEM_ENGINE_SKIPPED ||
	    r->state == TANDEM_ENGINE_CANCELLED;

	if (asprintf(&summary, "%s: %s / %s (session %u)", r->program, names[0],
	    names[1], r->index) < 0) {
		icalcomponent_free(ev);
		return NULL;
	}
	icalcomponent_add_property(ev, icalproperty_new_uid(r->uid));
	icalcomponent_add_property(ev, icalproperty_new_sequence(r->sequence));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc(c->now)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc(r->start)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(utc(r->end)));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	free(summary);
	icalcomponent_add_property(ev, icalproperty_new_status(cancelled ?
	    ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	if (pg != NULL && pg->organizer != NULL)
		icalcomponent_add_property(ev, itip_organizer(pg->organizer,
		    pg->organizer_cn));
	for (k = 0; k < 2; k++) {
		p = attendee(k == 0 ? r->mentor : r->mentee, names[k], r->reply[k]);
		if (p != NULL)
			icalcomponent_add_property(ev, p);
	}
	p = icalproperty_new_x(tandem_engine_state_name(r->state));
	icalproperty_set_x_name(p, "X-TANDEM-STATE");
	icalcomponent_add_property(ev, p);
	return ev;
}

static int
export_row(void *ud, const struct store_session *r)
{
	struct exportctx	*x = ud;
	icalcomponent		*ev;

	if (r->start == 0)
		return 0;
	ev = event(x->c, ctl_program(x->c->cfg, r->program), r);
	if (ev == NULL)
		return TANDEM_ENOMEM;
	icalcomponent_add_component(x->vcal, ev);
	return 0;
}

int
ctl_export(struct ctl *c)
{
	struct exportctx	 x = { c, NULL };
	struct ctl_pair		 p;
	const char		*mentor = NULL, *mentee = NULL;
	char			*text = NULL;
	int			 ex, rc;

	if (c->nargs == 1)
		return ctl_fail(c, CTL_EX_USAGE, "usage: export [MENTOR MENTEE]");
	if (c->nargs == 2) {
		ex = ctl_pair_find(c, &p);
		if (ex != 0)
			return ex;
		c->program = p.pg->name;
		mentor = p.pr->mentor->email;
		mentee = p.pr->mentee->email;
	}
	x.vcal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(x.vcal, icalproperty_new_prodid(
	    "-//tandem//tandem " PACKAGE_VERSION "//EN"));
	icalcomponent_add_property(x.vcal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(x.vcal, icalproperty_new_calscale("GREGORIAN"));
	rc = store_sessions_each(c->e->store, c->program, mentor, mentee,
	    export_row, &x);
	if (rc == 0) {
		text = icalcomponent_as_ical_string_r(x.vcal);
		rc = text == NULL ? TANDEM_ENOMEM : 0;
	}
	ex = rc < 0 ? ctl_internal(c, rc) : 0;
	if (text != NULL)
		fputs(text, c->out);
	free(text);
	icalcomponent_free(x.vcal);
	icalerror_clear_errno();
	return ex;
}
