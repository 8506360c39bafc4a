/*
 * Checks that span several keys of a [program] section, and loading of the
 * files it names (people, pairs, holidays, agenda, hook).  Each problem is
 * reported at the line of the key it is about.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tandem-int.h"
#include "cadence.h"
#include "config-int.h"
#include "config-keys.h"
#include "holidays.h"
#include "parse.h"

#define AGENDA_CAP	(64u * 1024)

/* libical resolves names from the system's zoneinfo (tzdata). */
static icaltimezone *
zone(const char *name)
{
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
		return icaltimezone_get_utc_timezone();
	return icaltimezone_get_builtin_timezone(name);
}

int
program_valid_tz(const char *name)
{
	return name[0] != '\0' && zone(name) != NULL;
}

int
program_hours_first(const struct hours *h)
{
	int	d, k, first = -1;

	for (d = 0; d < 7; d++)
		for (k = 0; k < h->n[d]; k++)
			if (first < 0 || h->win[d][k][0] < first)
				first = h->win[d][k][0];
	return first;
}

/*
 * keyline[k] is the line of key k: 0 when absent, negative when its value
 * was bad (and already reported), so that checks needing it are skipped.
 */
static int
line_of(const struct program *pg, const int *keyline, int key)
{
	return keyline[key] ? abs(keyline[key]) : pg->line;
}

static int
check_end(struct loadctx *lc, struct program *pg, const int *keyline)
{
	int	given = !!keyline[PK_DURATION] + !!keyline[PK_UNTIL] + !!keyline[PK_COUNT];
	char	date[16], start[16];
	int	y, m, d;

	if (pg->cadence.rrule_has_end) {
		if (given > 0)
			return config_error(lc, pg->file, line_of(pg, keyline, PK_CADENCE),
			    "the RRULE has its own COUNT or UNTIL; remove duration, until and count");
		pg->end = END_RRULE;
		return 0;
	}
	if (given == 0)
		return config_error(lc, pg->file, pg->line,
		    "[program %s] has no end: set duration, until or count", pg->name);
	if (given > 1)
		return config_error(lc, pg->file, pg->line,
		    "[program %s]: set only one of duration, until and count", pg->name);
	if (keyline[PK_DURATION] < 0 || keyline[PK_UNTIL] < 0 || keyline[PK_COUNT] < 0) {
		pg->end = END_NONE;	/* reported; nothing to check against */
		return 0;
	}
	if (keyline[PK_DURATION])
		pg->end = END_DURATION;
	else if (keyline[PK_COUNT])
		pg->end = END_COUNT;
	else {
		pg->end = END_UNTIL;
		if (keyline[PK_START] > 0 && pg->until < pg->start.date) {
			civil_from_days(pg->until, &y, &m, &d);
			snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
			civil_from_days(pg->start.date, &y, &m, &d);
			snprintf(start, sizeof(start), "%04d-%02d-%02d", y, m, d);
			return config_error(lc, pg->file, keyline[PK_UNTIL],
			    "until %s is before start %s", date, start);
		}
	}
	return 0;
}

/* The window of days in which holidays matter for this program. */
static void
holiday_window(const struct program *pg, int32_t *from, int32_t *to)
{
	int32_t	lo = pg->start.date, hi = pg->start.date;
	size_t	i;

	for (i = 0; i < pg->npairs; i++) {
		if (!pg->pairs[i].has_start)
			continue;
		if (pg->pairs[i].start.date < lo)
			lo = pg->pairs[i].start.date;
		if (pg->pairs[i].start.date > hi)
			hi = pg->pairs[i].start.date;
	}
	*from = lo - 62;	/* room for flex before the first session */
	if (pg->end == END_UNTIL)
		*to = pg->until + 62;
	else if (pg->end == END_DURATION)
		*to = cadence_duration_end(hi, &pg->duration) + 62;
	else
		*to = civil_add_months(hi, 12 * 50);
}

static int
load_holidays(struct loadctx *lc, struct program *pg, int line)
{
	char	*text = NULL, err[PARSE_ERRLEN] = "";
	int32_t	 from, to;
	int	 rc;

	rc = util_read_file(pg->holidays, CONFIG_FILE_CAP, &text, NULL);
	if (rc < 0)
		return config_error(lc, pg->file, line, "holidays: %s: cannot read: %s",
		    pg->holidays, tandem_strerror(rc));
	holiday_window(pg, &from, &to);
	rc = holidays_parse(text, pg->tz, from, to, &pg->holiday_dates,
	    &pg->nholidays, err);
	free(text);
	if (rc == TANDEM_EPARSE)
		return config_error(lc, pg->file, line, "holidays: %s: %s",
		    pg->holidays, err);
	return rc;
}

static int
load_agenda(struct loadctx *lc, struct program *pg, int line)
{
	size_t	len = 0;
	int	rc;

	rc = util_read_file(pg->agenda_path, AGENDA_CAP, &pg->agenda, &len);
	if (rc < 0)
		return config_error(lc, pg->file, line, "agenda: %s: cannot read: %s",
		    pg->agenda_path, rc == -EFBIG ? "larger than 64 KiB" :
		    tandem_strerror(rc));
	if (strlen(pg->agenda) != len)
		return config_error(lc, pg->file, line, "agenda: %s: NUL byte in text",
		    pg->agenda_path);
	return 0;
}

static int
check_hook(struct loadctx *lc, struct program *pg, int line)
{
	struct stat	st;

	if (stat(pg->hook, &st) < 0)
		return config_error(lc, pg->file, line, "hook: %s: %s", pg->hook,
		    strerror(errno));
	if (!S_ISREG(st.st_mode) || access(pg->hook, X_OK) < 0)
		return config_error(lc, pg->file, line,
		    "hook: %s is not an executable file", pg->hook);
	return 0;
}

/*
 * Expand the program's own series once: a rule that yields no session, or
 * an unbounded number, is a configuration error, found now rather than by
 * the daemon months later.
 */
static int
check_series(struct loadctx *lc, struct program *pg, const int *keyline)
{
	struct cadence_req	 req;
	struct nominal		*v = NULL;
	size_t			 n = 0;
	int			 rc;

	memset(&req, 0, sizeof(req));
	req.cadence = &pg->cadence;
	req.tz = pg->tz;
	req.start = pg->start;
	if (req.start.minute < 0)
		req.start.minute = pg->time;
	req.end = pg->end;
	req.duration = pg->duration;
	req.until = pg->until;
	req.count = pg->count;
	rc = cadence_expand(&req, &v, &n);
	free(v);
	if (rc == TANDEM_ERANGE)
		return config_error(lc, pg->file, keyline[PK_CADENCE],
		    "cadence: more than %d sessions before the program ends",
		    CADENCE_MAX_SESSIONS);
	if (rc == TANDEM_EPARSE)
		return config_error(lc, pg->file, keyline[PK_CADENCE],
		    "cadence: libical cannot expand this rule");
	if (rc < 0)
		return rc;
	if (n == 0)
		return config_error(lc, pg->file, keyline[PK_CADENCE],
		    "cadence: no session falls between start and the program's end");
	return 0;
}

int
program_finish(struct loadctx *lc, struct program *pg, const int *keyline)
{
	size_t	*order = NULL;
	int	 rc = 0, ok_people = 0;

	if (pg->timezone != NULL)
		pg->tz = zone(pg->timezone);
	if (keyline[PK_CADENCE] > 0) {
		rc = check_end(lc, pg, keyline);
		if (rc == TANDEM_ENOMEM)
			return rc;
	}
	if (pg->time < 0)
		pg->time = program_hours_first(&pg->hours);
	if (keyline[PK_CADENCE] > 0 && keyline[PK_START] > 0 && pg->tz != NULL &&
	    lc->errors == 0) {
		rc = check_series(lc, pg, keyline);
		if (rc == TANDEM_ENOMEM)
			return rc;
	}
	if (pg->people_path != NULL) {
		rc = people_load(lc, pg, pg->file, line_of(pg, keyline, PK_PEOPLE),
		    &order);
		if (rc == TANDEM_ENOMEM)
			return rc;
		ok_people = rc == 0;
	}
	if (pg->pairs_path != NULL && ok_people)
		rc = pairs_load(lc, pg, pg->file, line_of(pg, keyline, PK_PAIRS),
		    order);
	free(order);
	if (rc == TANDEM_ENOMEM)
		return rc;
	if (pg->holidays != NULL && pg->tz != NULL && keyline[PK_START] > 0) {
		rc = load_holidays(lc, pg, line_of(pg, keyline, PK_HOLIDAYS));
		if (rc == TANDEM_ENOMEM)
			return rc;
	}
	if (pg->agenda_path != NULL) {
		rc = load_agenda(lc, pg, line_of(pg, keyline, PK_AGENDA));
		if (rc == TANDEM_ENOMEM)
			return rc;
	}
	if (pg->hook != NULL)
		rc = check_hook(lc, pg, line_of(pg, keyline, PK_HOOK));
	if (rc != TANDEM_ENOMEM && (pg->invite == INVITE_CALDAV ||
	    pg->invite == INVITE_BOTH) && pg->calendar == NULL)
		rc = config_error(lc, pg->file, line_of(pg, keyline, PK_INVITE),
		    "invite = %s needs calendar = the organizer's CalDAV calendar",
		    pg->invite == INVITE_CALDAV ? "caldav" : "both");
	return rc == TANDEM_ENOMEM ? rc : 0;
}

void
program_free(struct program *pg)
{
	size_t	i;

	free(pg->name);
	free(pg->file);
	free(pg->organizer);
	free(pg->organizer_cn);
	free(pg->calendar);
	cadence_clear(&pg->cadence);
	free(pg->cadence_text);
	free(pg->timezone);
	free(pg->holidays);
	free(pg->holiday_dates);
	free(pg->outbox);
	free(pg->hook);
	free(pg->people_path);
	free(pg->pairs_path);
	free(pg->agenda_path);
	free(pg->agenda);
	for (i = 0; i < pg->npeople; i++)
		person_free(&pg->people[i]);
	free(pg->people);
	free(pg->pairs);
}
