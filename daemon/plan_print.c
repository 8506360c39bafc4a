/*
 * Output of "tandemctl plan".  The JSON form is the contract scripts rely on
 * (field names in tandemctl(1)); the table is for people and may change.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "plan_print.h"
#include "timeopt.h"

static json_object *
person_why(const struct tandem_session *s, int k)
{
	json_object	*o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "email", json_object_new_string(k == 0 ?
	    s->mentor : s->mentee));
	json_object_object_add(o, "calendar_unreadable",
	    json_object_new_boolean(s->why.who[k].no_calendar));
	if (s->why.who[k].calendar_error != NULL)
		json_object_object_add(o, "calendar_error", json_object_new_string(
		    s->why.who[k].calendar_error));
	json_object_object_add(o, "minutes_in_hours",
	    json_object_new_int64(s->why.who[k].hours));
	json_object_object_add(o, "minutes_busy",
	    json_object_new_int64(s->why.who[k].busy));
	json_object_object_add(o, "minutes_outside_hours",
	    json_object_new_int64(s->why.who[k].outside));
	json_object_object_add(o, "max_per_week_reached",
	    json_object_new_boolean(s->why.who[k].capped));
	return o;
}

/* Why a session is unschedulable: the one-line reason and its figures. */
static json_object *
why_json(const struct tandem_session *s)
{
	json_object	*o = json_object_new_object();
	char		 buf[2048];

	if (o == NULL)
		return NULL;
	tandem_session_reason(s, buf, sizeof(buf));
	json_object_object_add(o, "reason", json_object_new_string(buf));
	json_object_object_add(o, "business_days", json_object_new_int(s->why.days));
	json_object_object_add(o, "holidays", json_object_new_int(s->why.holidays));
	json_object_object_add(o, "weekend_days", json_object_new_int(s->why.weekend));
	json_object_object_add(o, "mentor", person_why(s, 0));
	json_object_object_add(o, "mentee", person_why(s, 1));
	return o;
}

static json_object *
session_json(const struct tandem_session *s)
{
	json_object	*o = json_object_new_object();
	char		 buf[40];

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "program", json_object_new_string(s->program));
	json_object_object_add(o, "mentor", json_object_new_string(s->mentor));
	json_object_object_add(o, "mentee", json_object_new_string(s->mentee));
	json_object_object_add(o, "index", json_object_new_int((int)s->index));
	json_object_object_add(o, "timezone", json_object_new_string(s->timezone));
	timeopt_format(s->nominal, s->nominal_offset, buf, sizeof(buf));
	json_object_object_add(o, "nominal", json_object_new_string(buf));
	if (s->has_slot) {
		timeopt_format_utc(s->start, buf, sizeof(buf));
		json_object_object_add(o, "start", json_object_new_string(buf));
		timeopt_format_utc(s->end, buf, sizeof(buf));
		json_object_object_add(o, "end", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "start", NULL);
		json_object_object_add(o, "end", NULL);
	}
	json_object_object_add(o, "status",
	    json_object_new_string(tandem_session_status_name(s->status)));
	json_object_object_add(o, "holiday", json_object_new_boolean(s->holiday));
	if (s->status == TANDEM_SESSION_SCHEDULED)
		json_object_object_add(o, "score", json_object_new_int64(s->score));
	if (s->status == TANDEM_SESSION_UNSCHEDULABLE)
		json_object_object_add(o, "why", why_json(s));
	return o;
}

/*
 * One JSON array, written an object at a time: a plan of 10,000 pairs has
 * 180,000 sessions, and json-c holding them all as one tree took ~450 MB.
 */
int
plan_print_json(FILE *f, const struct tandem_plan *plan)
{
	json_object	*o;
	size_t		 i, n = tandem_plan_count(plan);

	fputs("[", f);
	for (i = 0; i < n; i++) {
		o = session_json(tandem_plan_get(plan, i));
		if (o == NULL)
			return -1;
		fprintf(f, "%s\n  %s", i == 0 ? "" : ",", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	fputs(n == 0 ? "]\n" : "\n]\n", f);
	return ferror(f) ? -1 : 0;
}

static size_t
width(const struct tandem_plan *plan, int field, size_t min)
{
	size_t	i, w = min, l;

	for (i = 0; i < tandem_plan_count(plan); i++) {
		const struct tandem_session *s = tandem_plan_get(plan, i);

		l = strlen(field == 0 ? s->program : field == 1 ? s->mentor : s->mentee);
		if (l > w)
			w = l;
	}
	return w;
}

/* "Mon 2027-01-11 09:00 +01:00": t at offset (the program's zone). */
static void
local_text(int64_t t, int offset, char *buf, size_t len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	struct tm	tm;
	time_t		local = (time_t)(t + offset);
	int		a = offset < 0 ? -offset : offset;

	gmtime_r(&local, &tm);
	snprintf(buf, len, "%s %04d-%02d-%02d %02d:%02d %c%02d:%02d", wd[tm.tm_wday],
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    offset < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

static void
note_text(const struct tandem_session *s, char *buf, size_t len)
{
	int	n = 0;

	buf[0] = '\0';
	if (s->holiday)
		n = snprintf(buf, len, "holiday%s", s->status ==
		    TANDEM_SESSION_UNSCHEDULABLE ? "; " : "");
	if (s->status == TANDEM_SESSION_UNSCHEDULABLE && n >= 0 && (size_t)n < len)
		tandem_session_reason(s, buf + n, len - (size_t)n);
}

int
plan_print_table(FILE *f, const struct tandem_plan *plan)
{
	size_t	wp = width(plan, 0, 7), wm = width(plan, 1, 6), we = width(plan, 2, 6);
	size_t	i;
	char	nom[48], slot[48], note[2048];

	fprintf(f, "%-*s  %-*s  %-*s  %3s  %-27s  %-27s  %-13s  %s\n",
	    (int)wp, "PROGRAM", (int)wm, "MENTOR", (int)we, "MENTEE", "#",
	    "NOMINAL", "SLOT", "STATUS", "NOTE");
	for (i = 0; i < tandem_plan_count(plan); i++) {
		const struct tandem_session *s = tandem_plan_get(plan, i);

		local_text(s->nominal, s->nominal_offset, nom, sizeof(nom));
		if (s->has_slot)
			local_text(s->start, s->start_offset, slot, sizeof(slot));
		else
			snprintf(slot, sizeof(slot), "-");
		note_text(s, note, sizeof(note));
		fprintf(f, "%-*s  %-*s  %-*s  %3u  %-27s  %-27s  %-13s  %s\n",
		    (int)wp, s->program, (int)wm, s->mentor, (int)we, s->mentee,
		    s->index, nom, slot, tandem_session_status_name(s->status), note);
	}
	return ferror(f) ? -1 : 0;
}
