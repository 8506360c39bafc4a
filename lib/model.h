/*
 * The model: programs, people and pairs as the configuration declares them.
 * Plain data, no I/O; the config loader fills it and everything downstream
 * reads it.  Strings are owned by the struct that holds them.
 */
#ifndef TANDEM_MODEL_H
#define TANDEM_MODEL_H

#include <stdint.h>

#include <libical/ical.h>

#include "tandem/config.h"

#define HOURS_MAX_WINDOWS	4

/* Working hours in local minutes after midnight, per weekday (0 = Monday). */
struct hours {
	uint8_t		n[7];
	uint16_t	win[7][HOURS_MAX_WINDOWS][2];	/* [start, end) */
};

/* A calendar length: months and days are kept apart (months vary). */
struct span {
	int	months;
	int	days;
};

/* A local date with an optional time of day. */
struct localstart {
	int32_t	date;		/* civil day number */
	int	minute;		/* minutes after midnight, -1 when not given */
};

enum cadence_kind {
	CADENCE_WEEKLY,		/* every N weeks, optionally on a weekday */
	CADENCE_MONTHLY_DAY,	/* every N months on the start's day of month */
	CADENCE_MONTHLY_NTH,	/* every N months on the ordinal weekday */
	CADENCE_RRULE		/* a raw RRULE given by the user */
};

struct cadence {
	enum cadence_kind kind;
	int		 interval;	/* N >= 1 */
	int		 weekday;	/* 0 = Monday; -1 when not given */
	int		 ordinal;	/* 1..5 or -1 (last), for MONTHLY_NTH */
	char		*rrule;		/* CADENCE_RRULE: the text after "RRULE:" */
	int		 rrule_has_end;	/* the raw rule has COUNT or UNTIL */
};

enum end_kind {
	END_NONE,
	END_DURATION,	/* start + span, exclusive */
	END_UNTIL,	/* the until date, inclusive */
	END_COUNT,	/* number of sessions */
	END_RRULE	/* the raw RRULE's own COUNT or UNTIL */
};

enum invite_kind {
	INVITE_IMIP,
	INVITE_CALDAV,
	INVITE_BOTH,
	INVITE_OUTBOX
};

enum counter_kind {
	COUNTER_DECLINE,	/* a COUNTER is answered with DECLINECOUNTER */
	COUNTER_RESCHEDULE	/* it makes the session negotiated again */
};

enum attendance_kind {
	ATTENDANCE_CALENDAR,
	ATTENDANCE_CHECKIN
};

struct person {
	char		*email;		/* lower-cased */
	char		*name;
	char		*tz;
	char		*calendar;	/* URL; file: URLs made absolute */
	struct hours	 hours;
	int		 has_hours;
	int		 line;
};

struct pair {
	struct person	*mentor;	/* borrowed from the program */
	struct person	*mentee;
	struct localstart start;
	int		 has_start;
	int		 line;
};

struct program {
	char		*name;
	char		*file;		/* where it was declared */
	int		 line;
	char		*organizer;	/* mailto: URI */
	char		*organizer_cn;
	struct cadence	 cadence;
	char		*cadence_text;
	struct localstart start;
	int		 time;		/* nominal minute of day; -1 = default */
	enum end_kind	 end;
	struct span	 duration;
	int32_t		 until;
	int		 count;
	char		*timezone;
	icaltimezone	*tz;		/* libical's builtin zone, not owned */
	int64_t		 length;	/* all durations in minutes */
	struct hours	 hours;
	int64_t		 flex;
	int64_t		 horizon;
	int64_t		 buffer;
	int		 max_per_week;	/* sessions per person per ISO week, all pairs */
	int		 tentative_free;	/* tentative events do not block a slot */
	int64_t		 grace;
	char		*holidays;
	int32_t		*holiday_dates;	/* sorted, unique civil days */
	size_t		 nholidays;
	enum invite_kind invite;
	char		*outbox;
	char		*calendar;	/* the organizer's CalDAV calendar (caldav, both) */
	enum attendance_kind attendance;
	enum counter_kind counter;
	int		 lapse_after;
	int		 lapse_days;
	char		*hook;
	int		 hook_timeout;	/* seconds */
	char		*people_path;
	char		*pairs_path;
	char		*agenda_path;
	char		*agenda;
	struct person	*people;
	size_t		 npeople;
	struct pair	*pairs;
	size_t		 npairs;
};

struct server {
	char	*name;
	int	 line;
	char	*url;
	char	*user;
	char	*password_file;
	char	*token_file;
	char	*ca_file;
	int	 timeout;	/* seconds for one request, retries apart */
	char	*freebusy;	/* "auto" (probe the server) or "events" */
};

/* [daemon] socket when not given: tandemd's and tandemctl's default. */
#ifndef TANDEM_DEFAULT_SOCKET
#define TANDEM_DEFAULT_SOCKET	"/run/tandem/tandemd.sock"
#endif

/* [mail] replies: who may answer for an attendee by e-mail. */
enum mail_replies {
	MAIL_REPLIES_FROM,		/* From, envelope sender = ATTENDEE */
	MAIL_REPLIES_AUTHENTICATED	/* and the MTA's DKIM, DMARC or SPF */
};

struct tandem_config {
	char		*path;
	char		*dir;
	char		*state;
	char		*socket;
	char		*mail_smtp;
	char		*mail_sendmail;
	char		*mail_from;
	struct server	 mail;		/* [mail] user, password_file, ca_file, timeout */
	char		*mail_starttls_text;
	int		 mail_starttls;	/* smtp://: STARTTLS or nothing */
	int		 mail_rate;	/* messages a minute, at most */
	enum mail_replies mail_replies;
	char		*mail_authserv_id;	/* the receiving MTA's name */
	int		 mail_plain_auth_loopback; /* login in clear to loopback */
	int		 mail_login_in_clear;	/* it would be: not done */
	int		 mail_login_line;	/* where tandem.conf says so */
	struct server	*servers;
	size_t		 nservers;
	struct program	*programs;
	size_t		 nprograms;
};

#endif
