/*
 * watch: tandem's events in a calendar text.  A calendar holds thousands of
 * events and a handful of tandem's; rather than parse it all, the text is
 * searched for VEVENT blocks with a tandem UID and only those are parsed
 * (wrapped in a VCALENDAR of their own).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "tandem-int.h"
#include "watch.h"

/*
 * Property names are case-insensitive, but every client writes them in
 * capitals; an exact search (memmem, several GB/s) keeps the scan cheap on
 * the many calendars that hold no tandem event at all.
 */
static const char *
find(const char *p, const char *end, const char *needle)
{
	return memmem(p, (size_t)(end - p), needle, strlen(needle));
}

/* The last "BEGIN:VEVENT" in [start, p), or NULL. */
static const char *
begin_before(const char *start, const char *p)
{
	static const char	tag[] = "BEGIN:VEVENT";

	for (p -= sizeof(tag) - 1; p >= start; p--)
		if (*p == 'B' && memcmp(p, tag, sizeof(tag) - 1) == 0)
			return p;
	return NULL;
}

static const char *
bare(const char *v)
{
	return v != NULL && strncasecmp(v, "mailto:", 7) == 0 ? v + 7 : v;
}

static enum itip_partstat
partstat_of(icalproperty *a)
{
	icalparameter	*pp = icalproperty_get_first_parameter(a,
	    ICAL_PARTSTAT_PARAMETER);

	if (pp == NULL)
		return ITIP_NEEDS_ACTION;
	switch (icalparameter_get_partstat(pp)) {
	case ICAL_PARTSTAT_ACCEPTED:
		return ITIP_ACCEPTED;
	case ICAL_PARTSTAT_DECLINED:
		return ITIP_DECLINED;
	case ICAL_PARTSTAT_TENTATIVE:
		return ITIP_TENTATIVE;
	case ICAL_PARTSTAT_DELEGATED:
		return ITIP_DELEGATED;
	default:
		return ITIP_NEEDS_ACTION;
	}
}

/* The owner's ATTENDEE of ev, or NULL. */
static icalproperty *
owner_attendee(icalcomponent *ev, const char *owner)
{
	icalproperty	*a;
	const char	*v;

	for (a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    a != NULL; a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		v = bare(icalproperty_get_attendee(a));
		if (v != NULL && strcasecmp(v, owner) == 0)
			return a;
	}
	return NULL;
}

static void
event_clear(struct watch_event *w)
{
	size_t	i;

	for (i = 0; i < w->natt; i++) {
		free(w->att[i].email);
		free(w->att[i].status);
	}
	free(w->att);
	w->att = NULL;
	w->natt = 0;
}

static char *
param_text(icalproperty *a, const char *name)
{
	const char	*v = icalproperty_get_parameter_as_string(a, name);

	return v != NULL ? util_strdup(v) : NULL;
}

/* Every ATTENDEE of ev into w->att; 0 or TANDEM_ENOMEM. */
static int
attendees(icalcomponent *ev, struct watch_event *w)
{
	struct watch_att	*t;
	icalproperty		*a;
	const char		*v, *agent;
	size_t			 n = 0, i;

	for (a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    a != NULL; a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
		n++;
	w->att = n > 0 ? calloc(n, sizeof(*w->att)) : NULL;
	if (n > 0 && w->att == NULL)
		return TANDEM_ENOMEM;
	for (a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    a != NULL && w->natt < n;
	    a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		v = bare(icalproperty_get_attendee(a));
		if (v == NULL)
			continue;
		t = &w->att[w->natt++];
		t->email = util_strdup(v);
		if (t->email == NULL)
			return TANDEM_ENOMEM;
		for (i = 0; t->email[i] != '\0'; i++)
			t->email[i] = (char)tolower((unsigned char)t->email[i]);
		t->partstat = partstat_of(a);
		t->status = param_text(a, "SCHEDULE-STATUS");
		agent = icalproperty_get_parameter_as_string(a, "SCHEDULE-AGENT");
		t->client = agent != NULL && strcasecmp(agent, "CLIENT") == 0;
	}
	return 0;
}

static int
add(struct watch_set *set, icalcomponent *ev, const char *owner)
{
	struct watch_event	 w;
	struct watch_event	*old;
	icalproperty		*a;
	int			 rc;

	memset(&w, 0, sizeof(w));
	if (!itip_is_tandem_uid(icalcomponent_get_uid(ev)) ||
	    icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY) != NULL)
		return 0;
	w.sequence = icalcomponent_get_sequence(ev);
	w.cancelled = icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
	a = owner_attendee(ev, owner);
	w.partstat = a != NULL ? partstat_of(a) : ITIP_NEEDS_ACTION;
	old = (struct watch_event *)watch_find(set, icalcomponent_get_uid(ev));
	if (old != NULL && old->sequence > w.sequence)
		return 0;
	rc = attendees(ev, &w);
	if (rc == 0 && old != NULL) {
		w.uid = old->uid;
		event_clear(old);
		*old = w;
		return 0;
	}
	w.uid = rc < 0 ? NULL : util_strdup(icalcomponent_get_uid(ev));
	rc = w.uid == NULL ? TANDEM_ENOMEM :
	    util_grow((void **)&set->v, &set->cap, set->n, sizeof(*set->v));
	if (rc < 0) {
		free(w.uid);
		event_clear(&w);
		return rc;
	}
	set->v[set->n++] = w;
	return 0;
}

/* Parse the VEVENT block [a, b) on its own and add it. */
static int
block(struct watch_set *set, const char *a, const char *b, const char *owner)
{
	static const char	 head[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n";
	static const char	 tail[] = "\r\nEND:VCALENDAR\r\n";
	icalcomponent		*cal, *ev;
	char			*text;
	size_t			 n = (size_t)(b - a);
	int			 rc = 0;

	text = malloc(sizeof(head) + n + sizeof(tail));
	if (text == NULL)
		return TANDEM_ENOMEM;
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, a, n);
	memcpy(text + sizeof(head) - 1 + n, tail, sizeof(tail));
	cal = icalparser_parse_string(text);
	free(text);
	icalerror_clear_errno();
	if (cal == NULL)
		return 0;
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (ev != NULL)
		rc = add(set, ev, owner);
	icalcomponent_free(cal);
	return rc;
}

int
watch_scan(const char *text, const char *owner, struct watch_set *set)
{
	const char	*end, *p = text, *b, *e, *uid;
	int		 rc;

	if (tandem_fails_assert(text != NULL && owner != NULL && set != NULL))
		return TANDEM_EINVAL;
	end = text + strlen(text);
	while ((uid = find(p, end, "\nUID:tandem-")) != NULL) {
		b = begin_before(p, uid);
		e = find(uid, end, "END:VEVENT");
		if (e == NULL)
			return 0;	/* truncated: nothing more */
		e += strlen("END:VEVENT");
		if (b != NULL) {
			rc = block(set, b, e, owner);
			if (rc < 0)
				return rc;
		}
		p = e;
	}
	return 0;
}

const struct watch_att *
watch_attendee(const struct watch_event *w, const char *email)
{
	size_t	i;

	email = bare(email);
	for (i = 0; w != NULL && email != NULL && i < w->natt; i++)
		if (strcasecmp(w->att[i].email, email) == 0)
			return &w->att[i];
	return NULL;
}

const struct watch_event *
watch_find(const struct watch_set *set, const char *uid)
{
	size_t	i;

	for (i = 0; uid != NULL && i < set->n; i++)
		if (strcmp(set->v[i].uid, uid) == 0)
			return &set->v[i];
	return NULL;
}

void
watch_set_free(struct watch_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].uid);
		event_clear(&set->v[i]);
	}
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}
