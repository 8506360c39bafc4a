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
	return o;
}

int
plan_print_json(FILE *f, const struct tandem_plan *plan)
{
	json_object	*arr = json_object_new_array();
	json_object	*o;
	size_t		 i, n = tandem_plan_count(plan);

	if (arr == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		o = session_json(tandem_plan_get(plan, i));
		if (o == NULL || json_object_array_add(arr, o) != 0) {
			json_object_put(o);
			json_object_put(arr);
			return -1;
		}
	}
	fprintf(f, "%s\n", json_object_to_json_string_ext(arr,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
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

/* "Mon 2027-01-11 09:00 +01:00" in the program's zone. */
static void
nominal_text(const struct tandem_session *s, char *buf, size_t len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	struct tm	tm;
	time_t		local = (time_t)(s->nominal + s->nominal_offset);
	int		a = s->nominal_offset < 0 ? -s->nominal_offset : s->nominal_offset;

	gmtime_r(&local, &tm);
	snprintf(buf, len, "%s %04d-%02d-%02d %02d:%02d %c%02d:%02d", wd[tm.tm_wday],
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    s->nominal_offset < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

int
plan_print_table(FILE *f, const struct tandem_plan *plan)
{
	size_t	wp = width(plan, 0, 7), wm = width(plan, 1, 6), we = width(plan, 2, 6);
	size_t	i;
	char	nom[48], slot[32];

	fprintf(f, "%-*s  %-*s  %-*s  %3s  %-27s  %-20s  %-8s  %s\n",
	    (int)wp, "PROGRAM", (int)wm, "MENTOR", (int)we, "MENTEE", "#",
	    "NOMINAL", "SLOT (UTC)", "STATUS", "NOTE");
	for (i = 0; i < tandem_plan_count(plan); i++) {
		const struct tandem_session *s = tandem_plan_get(plan, i);

		nominal_text(s, nom, sizeof(nom));
		if (s->has_slot)
			timeopt_format_utc(s->start, slot, sizeof(slot));
		else
			snprintf(slot, sizeof(slot), "-");
		fprintf(f, "%-*s  %-*s  %-*s  %3u  %-27s  %-20s  %-8s  %s\n",
		    (int)wp, s->program, (int)wm, s->mentor, (int)we, s->mentee,
		    s->index, nom, slot, tandem_session_status_name(s->status),
		    s->holiday ? "holiday" : "");
	}
	return ferror(f) ? -1 : 0;
}
