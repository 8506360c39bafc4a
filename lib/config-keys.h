/*
 * The keys of tandem.conf, one table per section type.  The order of the
 * program keys is the enum below, so that checks across keys can name them.
 */
#ifndef TANDEM_CONFIG_KEYS_H
#define TANDEM_CONFIG_KEYS_H

#include <stddef.h>

enum ktype {
	K_STRING,	/* any text */
	K_PATH,		/* a path, made absolute against tandem.conf's folder */
	K_MINUTES,	/* "90m", "3d": int64_t minutes, within [min, max] */
	K_INT,		/* int within [min, max] */
	K_TZ,		/* IANA zone name */
	K_START,	/* date or date and time: struct localstart */
	K_CLOCK,	/* HH:MM: int minutes */
	K_SPAN,		/* "12 months": struct span */
	K_DATE,		/* YYYY-MM-DD: int32_t day */
	K_CADENCE,	/* struct cadence, text kept in cadence_text */
	K_HOURS,	/* struct hours */
	K_INVITE,	/* imip | caldav | both | outbox:PATH */
	K_ATTENDANCE,	/* calendar | checkin */
	K_TENTATIVE,	/* busy | free */
	K_COUNTER,	/* decline | reschedule */
	K_MAILTO,	/* mailto: URI or bare address, stored as mailto: */
	K_HTTPURL,	/* http(s) URL */
	K_SMTPURL,	/* smtp(s) URL */
	K_YESNO,	/* yes | no: int 1 or 0 */
	K_REPLIES,	/* from | authenticated: enum mail_replies */
	K_AUTHSERV	/* an authserv-id (RFC 8601): one token */
};

struct keydef {
	const char	*name;
	enum ktype	 type;
	size_t		 off;	/* into the section's struct */
	long		 min;
	long		 max;
	const char	*dflt;	/* parsed as if written; NULL: no default */
	int		 required;
};

enum program_key {
	PK_ORGANIZER, PK_CADENCE, PK_START, PK_TIME, PK_DURATION, PK_UNTIL,
	PK_COUNT, PK_TIMEZONE, PK_LENGTH, PK_HOURS, PK_FLEX, PK_HORIZON,
	PK_BUFFER, PK_HOLIDAYS, PK_INVITE, PK_ATTENDANCE, PK_GRACE,
	PK_LAPSE_AFTER, PK_LAPSE_DAYS, PK_HOOK, PK_PEOPLE, PK_PAIRS, PK_AGENDA,
	PK_MAX_PER_WEEK, PK_TENTATIVE, PK_HOOK_TIMEOUT, PK_CALENDAR, PK_COUNTER,
	PK_COUNT_KEYS
};

#define KEYS_MAX	PK_COUNT_KEYS

#endif
