/*
 * calobj: the organizer's stored copy of a session (see calobj.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "tandem-int.h"
#include "calobj.h"

static const char *
bare(const char *v)
{
	return v != NULL && strncasecmp(v, "mailto:", 7) == 0 ? v + 7 : v;
}

static icalcomponent *
vevent_of(icalcomponent *vcal)
{
	if (vcal == NULL || icalcomponent_isa(vcal) != ICAL_VCALENDAR_COMPONENT)
		return NULL;
	return icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT);
}

static icalcomponent *
parse(const char *text)
{
	icalcomponent	*c = text != NULL ? icalparser_parse_string(text) : NULL;

	icalerror_clear_errno();
	if (c != NULL && vevent_of(c) == NULL) {
		icalcomponent_free(c);
		c = NULL;
	}
	return c;
}

static int
listed(const char *email, const char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; email != NULL && i < n; i++)
		if (strcasecmp(bare(v[i]), email) == 0)
			return 1;
	return 0;
}

static icalproperty *
attendee_in(icalcomponent *ev, const char *email)
{
	icalproperty	*a;
	const char	*v;

	for (a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    a != NULL; a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		v = bare(icalproperty_get_attendee(a));
		if (v != NULL && email != NULL && strcasecmp(v, email) == 0)
			return a;
	}
	return NULL;
}

/* The PARTSTAT of from's ATTENDEE, onto to's. */
static void
keep_partstat(icalproperty *to, icalproperty *from)
{
	icalparameter	*p = icalproperty_get_first_parameter(from,
	    ICAL_PARTSTAT_PARAMETER);

	icalproperty_remove_parameter_by_kind(to, ICAL_PARTSTAT_PARAMETER);
	if (p != NULL)
		icalproperty_add_parameter(to, icalparameter_new_clone(p));
}

static int
is_client(icalproperty *a)
{
	const char	*v;

	v = a != NULL ? icalproperty_get_parameter_as_string(a, "SCHEDULE-AGENT") :
	    NULL;
	return v != NULL && strcasecmp(v, "CLIENT") == 0;
}

static void
attendees(icalcomponent *ev, icalcomponent *copy_ev, int same_seq,
    const char *const *client, size_t nclient)
{
	icalproperty	*a, *old;
	const char	*email;

	for (a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    a != NULL; a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		email = bare(icalproperty_get_attendee(a));
		old = copy_ev != NULL ? attendee_in(copy_ev, email) : NULL;
		if (listed(email, client, nclient) || is_client(old)) {
			icalproperty_remove_parameter_by_name(a, "SCHEDULE-AGENT");
			icalproperty_remove_parameter_by_name(a, "SCHEDULE-STATUS");
			icalproperty_set_parameter_from_string(a, "SCHEDULE-AGENT",
			    "CLIENT");
		}
		if (old != NULL && same_seq)
			keep_partstat(a, old);
	}
}

int
calobj_make(const char *base, const char *copy, const char *const *client,
    size_t nclient, char **out)
{
	icalcomponent	*vcal, *ev, *old = NULL, *old_ev = NULL;
	icalproperty	*m;
	char		*text;

	*out = NULL;
	vcal = parse(base);
	if (vcal == NULL)
		return TANDEM_EPARSE;
	ev = vevent_of(vcal);
	while ((m = icalcomponent_get_first_property(vcal, ICAL_METHOD_PROPERTY))
	    != NULL) {
		icalcomponent_remove_property(vcal, m);
		icalproperty_free(m);
	}
	old = parse(copy);
	old_ev = vevent_of(old);
	attendees(ev, old_ev, old_ev != NULL && icalcomponent_get_sequence(old_ev)
	    == icalcomponent_get_sequence(ev), client, nclient);
	text = icalcomponent_as_ical_string_r(vcal);
	icalcomponent_free(vcal);
	if (old != NULL)
		icalcomponent_free(old);
	if (text == NULL)
		return TANDEM_ENOMEM;
	*out = text;
	return 0;
}

int
calobj_sequence(const char *text)
{
	icalcomponent	*vcal = parse(text);
	int		 seq;

	if (vcal == NULL)
		return -1;
	seq = icalcomponent_get_sequence(vevent_of(vcal));
	icalcomponent_free(vcal);
	return seq < 0 ? 0 : seq;
}
