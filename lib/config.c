/*
 * tandem.conf: sections and keys, read through ini.c and checked against the
 * tables below.  Every value goes through the parser of its type; every
 * problem is reported as "file:line: message" and reading goes on, so one
 * run lists them all.  Only a configuration without a single error is
 * handed back: a caller never sees half of one.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "cadence.h"
#include "config-int.h"
#include "config-keys.h"
#include "ini.h"
#include "parse.h"

#ifndef TANDEM_DEFAULT_STATE
#define TANDEM_DEFAULT_STATE	"/var/lib/tandem/state.db"
#endif

#define PO(f)	offsetof(struct program, f)
#define SO(f)	offsetof(struct server, f)
#define CO(f)	offsetof(struct tandem_config, f)

static const struct keydef daemon_keys[] = {
	{ "state", K_PATH, CO(state), 0, 0, TANDEM_DEFAULT_STATE, 0 },
	{ "socket", K_PATH, CO(socket), 0, 0, TANDEM_DEFAULT_SOCKET, 0 },
	{ NULL, 0, 0, 0, 0, NULL, 0 }
};

static const struct keydef mail_keys[] = {
	{ "smtp", K_SMTPURL, CO(mail_smtp), 0, 0, NULL, 0 },
	{ "sendmail", K_PATH, CO(mail_sendmail), 0, 0, NULL, 0 },
	{ "from", K_STRING, CO(mail_from), 0, 0, NULL, 0 },
	{ "user", K_STRING, CO(mail.user), 0, 0, NULL, 0 },
	{ "password_file", K_PATH, CO(mail.password_file), 0, 0, NULL, 0 },
	{ "ca_file", K_PATH, CO(mail.ca_file), 0, 0, NULL, 0 },
	{ "timeout", K_INT, CO(mail.timeout), 1, 3600, "60", 0 },
	{ "starttls", K_STRING, CO(mail_starttls_text), 0, 0, "no", 0 },
	{ "rate", K_INT, CO(mail_rate), 1, 100000, "60", 0 },
	{ "replies", K_REPLIES, CO(mail_replies), 0, 0, "from", 0 },
	{ "authserv_id", K_AUTHSERV, CO(mail_authserv_id), 0, 0, NULL, 0 },
	{ "plain_auth_loopback", K_YESNO, CO(mail_plain_auth_loopback), 0, 0,
	    "no", 0 },
	{ NULL, 0, 0, 0, 0, NULL, 0 }
};

static const struct keydef server_keys[] = {
	{ "url", K_HTTPURL, SO(url), 0, 0, NULL, 1 },
	{ "user", K_STRING, SO(user), 0, 0, NULL, 0 },
	{ "password_file", K_PATH, SO(password_file), 0, 0, NULL, 0 },
	{ "token_file", K_PATH, SO(token_file), 0, 0, NULL, 0 },
	{ "ca_file", K_PATH, SO(ca_file), 0, 0, NULL, 0 },
	{ "timeout", K_INT, SO(timeout), 1, 3600, "60", 0 },
	{ "freebusy", K_STRING, SO(freebusy), 0, 0, "auto", 0 },
	{ NULL, 0, 0, 0, 0, NULL, 0 }
};

static const struct keydef program_keys[] = {
	[PK_ORGANIZER] = { "organizer", K_MAILTO, PO(organizer), 0, 0, NULL, 1 },
	[PK_CADENCE] = { "cadence", K_CADENCE, PO(cadence), 0, 0, NULL, 1 },
	[PK_START] = { "start", K_START, PO(start), 0, 0, NULL, 1 },
	[PK_TIME] = { "time", K_CLOCK, PO(time), 0, 0, NULL, 0 },
	[PK_DURATION] = { "duration", K_SPAN, PO(duration), 0, 0, NULL, 0 },
	[PK_UNTIL] = { "until", K_DATE, PO(until), 0, 0, NULL, 0 },
	[PK_COUNT] = { "count", K_INT, PO(count), 1, 1000, NULL, 0 },
	[PK_TIMEZONE] = { "timezone", K_TZ, PO(timezone), 0, 0, NULL, 1 },
	[PK_LENGTH] = { "length", K_MINUTES, PO(length), 5, 8 * 60, "60m", 0 },
	[PK_HOURS] = { "hours", K_HOURS, PO(hours), 0, 0, "Mon-Fri 09:00-17:00", 0 },
	[PK_FLEX] = { "flex", K_MINUTES, PO(flex), 0, 30 * 1440, "2d", 0 },
	[PK_HORIZON] = { "horizon", K_MINUTES, PO(horizon), 1440, 366 * 1440, "6w", 0 },
	[PK_BUFFER] = { "buffer", K_MINUTES, PO(buffer), 0, 4 * 60, "0", 0 },
	[PK_HOLIDAYS] = { "holidays", K_PATH, PO(holidays), 0, 0, NULL, 0 },
	[PK_INVITE] = { "invite", K_INVITE, PO(invite), 0, 0, "imip", 0 },
	[PK_ATTENDANCE] = { "attendance", K_ATTENDANCE, PO(attendance), 0, 0, "calendar", 0 },
	[PK_GRACE] = { "grace", K_MINUTES, PO(grace), 0, 30 * 1440, "2d", 0 },
	[PK_LAPSE_AFTER] = { "lapse_after", K_INT, PO(lapse_after), 1, 52, "2", 0 },
	[PK_LAPSE_DAYS] = { "lapse_days", K_INT, PO(lapse_days), 1, 3650, "60", 0 },
	[PK_HOOK] = { "hook", K_PATH, PO(hook), 0, 0, NULL, 0 },
	[PK_PEOPLE] = { "people", K_PATH, PO(people_path), 0, 0, NULL, 1 },
	[PK_PAIRS] = { "pairs", K_PATH, PO(pairs_path), 0, 0, NULL, 1 },
	[PK_AGENDA] = { "agenda", K_PATH, PO(agenda_path), 0, 0, NULL, 0 },
	[PK_MAX_PER_WEEK] = { "max_per_week", K_INT, PO(max_per_week), 1, 20, "2", 0 },
	[PK_TENTATIVE] = { "tentative", K_TENTATIVE, PO(tentative_free), 0, 0, "busy", 0 },
	[PK_HOOK_TIMEOUT] = { "hook_timeout", K_INT, PO(hook_timeout), 1, 3600, "60", 0 },
	[PK_CALENDAR] = { "calendar", K_HTTPURL, PO(calendar), 0, 0, NULL, 0 },
	[PK_COUNTER] = { "counter", K_COUNTER, PO(counter), 0, 0, "decline", 0 },
	[PK_COUNT_KEYS] = { NULL, 0, 0, 0, 0, NULL, 0 }
};

enum sect_kind { S_DAEMON, S_MAIL, S_SERVER, S_PROGRAM };

struct sectdef {
	const char		*type;
	enum sect_kind		 kind;
	int			 named;		/* 1: needs a name, 0: must not have one */
	const struct keydef	*keys;
};

static const struct sectdef sections[] = {
	{ "daemon", S_DAEMON, 0, daemon_keys },
	{ "mail", S_MAIL, 0, mail_keys },
	{ "server", S_SERVER, 1, server_keys },
	{ "program", S_PROGRAM, 1, program_keys },
};

/* One section as read: where it is, what it fills, which keys it set where. */
struct sect {
	const struct sectdef	*def;
	size_t			 index;		/* into servers/programs */
	int			 line;
	int			 keyline[KEYS_MAX];	/* 0 absent, <0 given but bad */
};

struct reader {
	struct loadctx		 lc;
	const char		*file;
	struct sect		*sects;
	size_t			 nsects;
	struct sect		*cur;		/* NULL before the first section, or after a bad one */
	int			 skip;		/* inside a rejected section: ignore keys */
	int			 program_headers; /* [program ...] lines, rejected ones too */
};

/*
 * The struct a section fills.  Looked up each time because the arrays of
 * servers and programs move when they grow.
 */
static void *
sect_obj(const struct reader *r, const struct sect *s)
{
	switch (s->def->kind) {
	case S_SERVER:
		return &r->lc.cfg->servers[s->index];
	case S_PROGRAM:
		return &r->lc.cfg->programs[s->index];
	default:
		return r->lc.cfg;
	}
}

int
config_error(struct loadctx *lc, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = diag_vadd(lc->diag, file, line, fmt, ap);
	va_end(ap);
	lc->errors++;
	return rc < 0 ? rc : TANDEM_ECONFIG;
}

/* A warning: said as "file:line: warning: ...", not counted as an error. */
static void
config_warn(struct loadctx *lc, const char *file, int line, const char *fmt, ...)
    TANDEM_PRINTF(4, 5);

static void
config_warn(struct loadctx *lc, const char *file, int line, const char *fmt, ...)
{
	char	msg[700];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)diag_add(lc->diag, file, line, "warning: %s", msg);
}

static int
valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

static int
set_string(char **slot, const char *v)
{
	char	*copy = strdup(v);

	if (copy == NULL)
		return TANDEM_ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

static int
apply_invite(struct reader *r, struct program *pg, const char *v, char *err)
{
	char	*path;

	if (strcmp(v, "imip") == 0)
		pg->invite = INVITE_IMIP;
	else if (strcmp(v, "caldav") == 0)
		pg->invite = INVITE_CALDAV;
	else if (strcmp(v, "both") == 0)
		pg->invite = INVITE_BOTH;
	else if (strncmp(v, "outbox:", 7) == 0 && v[7] != '\0') {
		path = util_path_join(r->lc.cfg->dir, v + 7);
		if (path == NULL)
			return TANDEM_ENOMEM;
		free(pg->outbox);
		pg->outbox = path;
		pg->invite = INVITE_OUTBOX;
	} else {
		snprintf(err, PARSE_ERRLEN,
		    "\"%s\" is not one of imip, caldav, both, outbox:/path", v);
		return TANDEM_EPARSE;
	}
	return 0;
}

static int
apply_mailto(char **slot, const char *v, char *err)
{
	const char	*addr = v;
	char		*uri = NULL;
	int		 rc;

	if (strncasecmp(v, "mailto:", 7) == 0)
		addr = v + 7;
	rc = parse_email(addr, err);
	if (rc < 0)
		return rc;
	if (asprintf(&uri, "mailto:%s", addr) < 0)
		return TANDEM_ENOMEM;
	free(*slot);
	*slot = uri;
	return 0;
}

static int
apply_url(char **slot, const char *v, const char *const *schemes, char *err)
{
	const char *const *s;

	for (s = schemes; *s != NULL; s++)
		if (strncasecmp(v, *s, strlen(*s)) == 0 && v[strlen(*s)] != '\0')
			return set_string(slot, v);
	snprintf(err, PARSE_ERRLEN, "\"%s\" is not a %s URL", v, schemes[0]);
	return TANDEM_EPARSE;
}

/* Parse v as key k of the section object obj.  err gets the reason. */
static int
apply(struct reader *r, const struct keydef *k, void *obj, const char *v, char *err)
{
	static const char *const http[] = { "https://", "http://", NULL };
	static const char *const smtp[] = { "smtp://", "smtps://", NULL };
	char	*at = (char *)obj + k->off;
	char	*path;
	long	 n;
	int64_t	 m;
	int	 rc;

	switch (k->type) {
	case K_STRING:
		return set_string((char **)at, v);
	case K_PATH:
		if (v[0] == '\0') {
			snprintf(err, PARSE_ERRLEN, "empty path");
			return TANDEM_EPARSE;
		}
		path = util_path_join(r->lc.cfg->dir, v);
		if (path == NULL)
			return TANDEM_ENOMEM;
		free(*(char **)at);
		*(char **)at = path;
		return 0;
	case K_MINUTES:
		rc = parse_minutes(v, &m, err);
		if (rc == 0 && (m < k->min || m > k->max)) {
			snprintf(err, PARSE_ERRLEN, "%s is out of range (%ld to %ld minutes)",
			    v, k->min, k->max);
			rc = TANDEM_EPARSE;
		}
		if (rc == 0)
			*(int64_t *)at = m;
		return rc;
	case K_INT:
		rc = parse_int(v, k->min, k->max, &n, err);
		if (rc == 0)
			*(int *)at = (int)n;
		return rc;
	case K_TZ:
		if (!program_valid_tz(v)) {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not an IANA time zone", v);
			return TANDEM_EPARSE;
		}
		return set_string((char **)at, v);
	case K_START:
		return parse_localstart(v, (struct localstart *)at, err);
	case K_CLOCK:
		rc = parse_clock(v, (int *)at, err);
		if (rc == 0 && *(int *)at == 24 * 60) {
			snprintf(err, PARSE_ERRLEN, "24:00 is not a start time");
			rc = TANDEM_EPARSE;
		}
		return rc;
	case K_SPAN:
		return parse_span(v, (struct span *)at, err);
	case K_DATE:
		return parse_date(v, (int32_t *)at, err);
	case K_CADENCE:
		cadence_clear((struct cadence *)at);
		rc = cadence_parse(v, (struct cadence *)at, err);
		if (rc == 0)
			rc = set_string(&((struct program *)obj)->cadence_text, v);
		return rc;
	case K_HOURS:
		return parse_hours(v, (struct hours *)at, err);
	case K_INVITE:
		return apply_invite(r, obj, v, err);
	case K_ATTENDANCE:
		if (strcmp(v, "calendar") == 0)
			*(enum attendance_kind *)at = ATTENDANCE_CALENDAR;
		else if (strcmp(v, "checkin") == 0)
			*(enum attendance_kind *)at = ATTENDANCE_CHECKIN;
		else {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not calendar or checkin", v);
			return TANDEM_EPARSE;
		}
		return 0;
	case K_TENTATIVE:
		if (strcmp(v, "busy") != 0 && strcmp(v, "free") != 0) {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not busy or free", v);
			return TANDEM_EPARSE;
		}
		*(int *)at = strcmp(v, "free") == 0;
		return 0;
	case K_COUNTER:
		if (strcmp(v, "decline") != 0 && strcmp(v, "reschedule") != 0) {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not decline or "
			    "reschedule", v);
			return TANDEM_EPARSE;
		}
		*(enum counter_kind *)at = strcmp(v, "reschedule") == 0 ?
		    COUNTER_RESCHEDULE : COUNTER_DECLINE;
		return 0;
	case K_MAILTO:
		return apply_mailto((char **)at, v, err);
	case K_HTTPURL:
		return apply_url((char **)at, v, http, err);
	case K_SMTPURL:
		return apply_url((char **)at, v, smtp, err);
	case K_YESNO:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not yes or no", v);
			return TANDEM_EPARSE;
		}
		*(int *)at = strcmp(v, "yes") == 0;
		return 0;
	case K_REPLIES:
		if (strcmp(v, "from") != 0 && strcmp(v, "authenticated") != 0) {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not from or "
			    "authenticated", v);
			return TANDEM_EPARSE;
		}
		*(enum mail_replies *)at = strcmp(v, "authenticated") == 0 ?
		    MAIL_REPLIES_AUTHENTICATED : MAIL_REPLIES_FROM;
		return 0;
	case K_AUTHSERV:
		/* One token: no white space, ";", comment or quote. */
		for (n = 0; v[n] != '\0'; n++)
			if ((unsigned char)v[n] <= ' ' || v[n] == 0x7f ||
			    strchr(";()\"\\", v[n]) != NULL)
				break;
		if (v[n] != '\0') {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not an authserv-id "
			    "(the name at the head of the MTA's "
			    "Authentication-Results, such as mx.example.org)", v);
			return TANDEM_EPARSE;
		}
		return set_string((char **)at, v);
	}
	return TANDEM_EINVAL;
}

static void *
section_object(struct reader *r, const struct sectdef *def, const char *name,
    int line, size_t *index)
{
	struct tandem_config	*cfg = r->lc.cfg;
	void			*grown;

	*index = 0;
	switch (def->kind) {
	case S_DAEMON:
	case S_MAIL:
		return cfg;
	case S_SERVER:
		grown = realloc(cfg->servers, (cfg->nservers + 1) * sizeof(*cfg->servers));
		if (grown == NULL)
			return NULL;
		cfg->servers = grown;
		*index = cfg->nservers++;
		memset(&cfg->servers[*index], 0, sizeof(struct server));
		cfg->servers[*index].line = line;
		cfg->servers[*index].name = strdup(name);
		return cfg->servers[*index].name ? &cfg->servers[*index] : NULL;
	case S_PROGRAM:
		grown = realloc(cfg->programs, (cfg->nprograms + 1) * sizeof(*cfg->programs));
		if (grown == NULL)
			return NULL;
		cfg->programs = grown;
		*index = cfg->nprograms++;
		memset(&cfg->programs[*index], 0, sizeof(struct program));
		cfg->programs[*index].line = line;
		cfg->programs[*index].time = -1;
		cfg->programs[*index].name = strdup(name);
		cfg->programs[*index].file = strdup(r->file);
		if (cfg->programs[*index].name == NULL || cfg->programs[*index].file == NULL)
			return NULL;
		return &cfg->programs[*index];
	}
	return NULL;
}

/* Has a section of this type and name been declared before?  Its line, or 0. */
static int
declared_before(const struct reader *r, const struct sectdef *def, const char *name)
{
	const struct tandem_config *cfg = r->lc.cfg;
	size_t	i;

	for (i = 0; i < r->nsects; i++) {
		const struct sect *s = &r->sects[i];

		if (s->def != def)
			continue;
		if (def->kind == S_SERVER && strcmp(cfg->servers[s->index].name, name) != 0)
			continue;
		if (def->kind == S_PROGRAM && strcmp(cfg->programs[s->index].name, name) != 0)
			continue;
		return s->line;
	}
	return 0;
}

static int
on_section(void *ud, const char *type, const char *name, int line)
{
	struct reader		*r = ud;
	const struct sectdef	*def = NULL;
	struct sect		*grown, *s;
	size_t			 i;
	int			 prev;

	r->cur = NULL;
	r->skip = 1;
	for (i = 0; i < TANDEM_NELEM(sections); i++)
		if (strcmp(sections[i].type, type) == 0)
			def = &sections[i];
	if (def == NULL)
		return config_error(&r->lc, r->file, line,
		    "unknown section [%s] (known: daemon, mail, server NAME, program NAME)",
		    type);
	if (def->kind == S_PROGRAM)
		r->program_headers++;
	if (def->named && name == NULL)
		return config_error(&r->lc, r->file, line,
		    "[%s] needs a name, as in [%s NAME]", type, type);
	if (!def->named && name != NULL)
		return config_error(&r->lc, r->file, line,
		    "[%s] takes no name", type);
	if (name != NULL && !valid_name(name))
		return config_error(&r->lc, r->file, line,
		    "\"%s\" is not a valid %s name (letters, digits, '-', '_', '.')",
		    name, type);
	prev = declared_before(r, def, name);
	if (prev > 0)
		return config_error(&r->lc, r->file, line,
		    "[%s%s%s] is declared twice (first at line %d)", type,
		    name ? " " : "", name ? name : "", prev);

	grown = realloc(r->sects, (r->nsects + 1) * sizeof(*r->sects));
	if (grown == NULL)
		return TANDEM_ENOMEM;
	r->sects = grown;
	s = &r->sects[r->nsects];
	memset(s, 0, sizeof(*s));
	s->def = def;
	s->line = line;
	if (section_object(r, def, name, line, &s->index) == NULL)
		return TANDEM_ENOMEM;
	r->nsects++;
	r->cur = s;
	r->skip = 0;
	return 0;
}

static int
on_pair(void *ud, const char *key, const char *value, int line)
{
	struct reader		*r = ud;
	const struct keydef	*k;
	char			 err[PARSE_ERRLEN] = "";
	int			 idx, rc;

	if (r->skip)
		return 0;	/* the header was already reported */
	if (r->cur == NULL)
		return config_error(&r->lc, r->file, line,
		    "\"%s\" is outside any section", key);
	for (k = r->cur->def->keys; k->name != NULL; k++)
		if (strcmp(k->name, key) == 0)
			break;
	if (k->name == NULL)
		return config_error(&r->lc, r->file, line,
		    "unknown key \"%s\" in [%s]", key, r->cur->def->type);
	idx = (int)(k - r->cur->def->keys);
	if (r->cur->keyline[idx] != 0)
		return config_error(&r->lc, r->file, line,
		    "%s is set twice (first at line %d)", key, abs(r->cur->keyline[idx]));
	r->cur->keyline[idx] = line;
	if (value[0] == '\0' && k->type != K_STRING)
		return config_error(&r->lc, r->file, line, "%s: empty value", key);
	rc = apply(r, k, sect_obj(r, r->cur), value, err);
	if (rc == TANDEM_EPARSE) {
		/* Present but unusable: checks that need this value skip it. */
		r->cur->keyline[idx] = -line;
		return config_error(&r->lc, r->file, line, "%s: %s", key, err);
	}
	return rc;
}

/* Defaults for keys not given, and errors for required keys not given. */
static int
finish_keys(struct reader *r, struct sect *s)
{
	const struct keydef	*k;
	char			 err[PARSE_ERRLEN];
	int			 i, rc;

	for (k = s->def->keys, i = 0; k->name != NULL; k++, i++) {
		if (s->keyline[i] != 0)
			continue;
		if (k->required) {
			rc = config_error(&r->lc, r->file, s->line,
			    "[%s] is missing the required key \"%s\"", s->def->type, k->name);
			if (rc == TANDEM_ENOMEM)
				return rc;
			continue;
		}
		if (k->dflt == NULL)
			continue;
		rc = apply(r, k, sect_obj(r, s), k->dflt, err);
		if (rc < 0)	/* a default that does not parse is our bug */
			return rc == TANDEM_EPARSE ? TANDEM_EINVAL : rc;
	}
	return 0;
}

static int
finish_server(struct reader *r, struct sect *s)
{
	struct server	*sv = sect_obj(r, s);

	if (sv->password_file != NULL && sv->token_file != NULL)
		return config_error(&r->lc, r->file, s->line,
		    "[server %s]: set password_file or token_file, not both", sv->name);
	if (sv->password_file != NULL && sv->user == NULL)
		return config_error(&r->lc, r->file, s->line,
		    "[server %s]: password_file needs a user", sv->name);
	if (sv->freebusy != NULL && strcmp(sv->freebusy, "auto") != 0 &&
	    strcmp(sv->freebusy, "events") != 0)
		return config_error(&r->lc, r->file, s->keyline[6] != 0 ?
		    abs(s->keyline[6]) : s->line, "[server %s]: freebusy = "
		    "\"%s\" is not auto or events", sv->name, sv->freebusy);
	return 0;
}

/* The keyline of key name in section s (NULL: none): 0 absent, <0 bad. */
static int
key_given(const struct sect *s, const char *name)
{
	const struct keydef	*k;
	int			 i;

	if (s == NULL)
		return 0;
	for (k = s->def->keys, i = 0; k->name != NULL; k++, i++)
		if (strcmp(k->name, name) == 0)
			return s->keyline[i];
	return 0;
}

/* The line of key name in section s (NULL: none), or the section's line. */
static int
key_line(const struct sect *s, const char *name)
{
	int	line = key_given(s, name);

	return line != 0 ? abs(line) : s != NULL ? s->line : 0;
}

/*
 * The host of an smtp(s) URL into host (size bytes, brackets of an IPv6
 * literal gone); 1 when the URL carries userinfo (a user, a password).
 */
static int
url_host(const char *url, char *host, size_t size)
{
	const char	*p = strstr(url, "://"), *end, *at = NULL, *q, *h;
	size_t		 n;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	for (q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {
		h = p + 1;
		q = memchr(h, ']', (size_t)(end - h));
		n = q != NULL ? (size_t)(q - h) : (size_t)(end - h);
	} else {
		h = p;
		q = memchr(h, ':', (size_t)(end - h));
		n = q != NULL ? (size_t)(q - h) : (size_t)(end - h);
	}
	snprintf(host, size, "%.*s", (int)n, h);
	return at != NULL;
}

/* Is host 127.0.0.0/8, ::1 (or ::ffff:127.x.y.z) or localhost? */
static int
host_loopback(const char *host)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (strcasecmp(host, "localhost") == 0 ||
	    strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}

/*
 * A login over smtp:// without STARTTLS sends the password in clear (AUTH
 * PLAIN or LOGIN are the password, base64'd).  tandem refuses to log in so
 * (jobs_mail.c keeps the e-mails waiting, as for a login refused) unless
 * plain_auth_loopback = yes says so for a loopback MTA, where nothing goes
 * on a wire.  Not an error: the daemon runs and says why nothing leaves;
 * validate and the daemon's start warn at the line to mend.
 */
static void
finish_mail_login(struct reader *r, const struct sect *s)
{
	struct tandem_config	*cfg = r->lc.cfg;
	char			 host[256];
	int			 userinfo, line;

	if (cfg->mail_sendmail != NULL || cfg->mail_smtp == NULL ||
	    strncasecmp(cfg->mail_smtp, "smtp://", 7) != 0 || cfg->mail_starttls)
		return;
	userinfo = url_host(cfg->mail_smtp, host, sizeof(host));
	if ((cfg->mail.password_file == NULL || cfg->mail.user == NULL) &&
	    !userinfo)
		return;			/* no login (or an error said already) */
	line = key_line(s, cfg->mail.password_file != NULL ? "password_file" :
	    "smtp");
	if (cfg->mail_plain_auth_loopback && host_loopback(host))
		return;
	cfg->mail_login_in_clear = 1;
	if (cfg->mail_plain_auth_loopback) {
		line = key_line(s, "plain_auth_loopback");
		cfg->mail_login_line = line;
		config_warn(&r->lc, r->file, line, "[mail]: plain_auth_loopback = "
		    "yes, but %s is not a loopback address (127.0.0.0/8, ::1, "
		    "localhost): a login over smtp:// without starttls = yes "
		    "would send the password in clear, so tandem does not log "
		    "in and e-mails wait", host);
		return;
	}
	cfg->mail_login_line = line;
	config_warn(&r->lc, r->file, line, "[mail]: a login to %s over smtp:// "
	    "without starttls = yes would send the password in clear, so "
	    "tandem does not log in and e-mails wait: set starttls = yes or "
	    "use smtps://%s", host, host_loopback(host) ? " (or, since this MTA "
	    "is on loopback, plain_auth_loopback = yes)" : "");
}

/* [mail]: the checks across keys, and starttls as a flag. */
static void
finish_mail(struct reader *r, const struct sect *s)
{
	struct tandem_config	*cfg = r->lc.cfg;
	const char		*t = cfg->mail_starttls_text;
	int			 line = s != NULL ? s->line : 0;

	if (cfg->mail.password_file != NULL && cfg->mail.user == NULL)
		config_error(&r->lc, r->file, line,
		    "[mail]: password_file needs a user");
	if (t != NULL && strcmp(t, "yes") != 0 && strcmp(t, "no") != 0)
		config_error(&r->lc, r->file, line,
		    "[mail]: starttls = \"%s\" is not yes or no", t);
	cfg->mail_starttls = t != NULL && strcmp(t, "yes") == 0;
	if (cfg->mail_rate == 0)	/* no [mail] section: its defaults */
		cfg->mail_rate = 60;
	if (cfg->mail.timeout == 0)
		cfg->mail.timeout = 60;
	cfg->mail.name = (char *)"mail";
	if (cfg->mail.password_file != NULL && cfg->mail_sendmail != NULL)
		config_error(&r->lc, r->file, line,
		    "[mail]: user and password_file are for smtp, not sendmail");
	/* Anyone can write an Authentication-Results: whose to believe? */
	if (cfg->mail_replies == MAIL_REPLIES_AUTHENTICATED &&
	    key_given(s, "authserv_id") == 0)
		config_error(&r->lc, r->file, key_line(s, "replies"),
		    "[mail]: replies = authenticated needs authserv_id (the name "
		    "the receiving MTA writes at the head of its "
		    "Authentication-Results)");
}

static int
finish(struct reader *r)
{
	struct tandem_config	*cfg = r->lc.cfg;
	struct sect		*s, *mail = NULL;
	size_t			 i;
	int			 rc = 0;

	/* [daemon] may be absent: its defaults still apply. */
	for (i = 0; i < r->nsects && r->sects[i].def->kind != S_DAEMON; i++)
		;
	if (i == r->nsects) {
		rc = on_section(r, "daemon", NULL, 0);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < r->nsects; i++) {
		s = &r->sects[i];
		rc = finish_keys(r, s);
		if (rc == TANDEM_ENOMEM || rc == TANDEM_EINVAL)
			return rc;
		if (s->def->kind == S_MAIL)
			mail = s;
	}
	if (cfg->mail_smtp != NULL && cfg->mail_sendmail != NULL)
		config_error(&r->lc, r->file, mail != NULL ? mail->line : 0,
		    "[mail]: set smtp or sendmail, not both");
	finish_mail(r, mail);
	/* tandem runs beside a mail server: the local MTA is the default. */
	if (cfg->mail_smtp == NULL && cfg->mail_sendmail == NULL) {
		cfg->mail_smtp = strdup("smtp://localhost:25");
		if (cfg->mail_smtp == NULL)
			return TANDEM_ENOMEM;
	}
	finish_mail_login(r, mail);
	for (i = 0; i < r->nsects; i++) {
		s = &r->sects[i];
		if (s->def->kind == S_SERVER)
			rc = finish_server(r, s);
		else if (s->def->kind == S_PROGRAM)
			rc = program_finish(&r->lc, sect_obj(r, s), s->keyline);
		if (rc == TANDEM_ENOMEM)
			return rc;
	}
	if (cfg->nprograms == 0 && r->program_headers == 0)	/* else reported already */
		config_error(&r->lc, r->file, 0, "no [program NAME] section");
	return 0;
}

static int
read_conf(struct reader *r, const char *path)
{
	static const struct ini_handler h = { on_section, on_pair };
	char	*text = NULL;
	size_t	 len = 0;
	int	 rc;

	rc = util_read_file(path, 1024 * 1024, &text, &len);
	if (rc < 0)
		return config_error(&r->lc, path, 0, "cannot read: %s",
		    tandem_strerror(rc));
	if (strlen(text) != len) {
		free(text);
		return config_error(&r->lc, path, 0, "NUL byte in the file");
	}
	rc = ini_parse(path, text, &h, r, r->lc.diag);
	free(text);
	if (rc == TANDEM_ECONFIG) {
		r->lc.errors++;
		rc = 0;
	}
	return rc;
}

int
tandem_config_load(const char *path, struct tandem_config **cfgp,
    struct tandem_diag *diag)
{
	struct reader	 r;
	int		 rc;

	if (tandem_fails_assert(path != NULL && cfgp != NULL))
		return TANDEM_EINVAL;
	*cfgp = NULL;
	memset(&r, 0, sizeof(r));
	r.file = path;
	r.lc.diag = diag;
	r.lc.cfg = calloc(1, sizeof(*r.lc.cfg));
	if (r.lc.cfg == NULL)
		return TANDEM_ENOMEM;
	r.lc.cfg->path = strdup(path);
	r.lc.cfg->dir = util_dirname(path);
	rc = TANDEM_ENOMEM;
	if (r.lc.cfg->path == NULL || r.lc.cfg->dir == NULL)
		goto out;
	/*
	 * Errors in tandem.conf do not stop the checks after it: the required
	 * keys, and the files a program names, are still looked at, so that
	 * one run reports every mistake.  A file that cannot be read at all
	 * does stop here.
	 */
	rc = read_conf(&r, path);
	if (rc < 0)
		goto out;
	rc = finish(&r);
	if (rc < 0)
		goto out;
	if (r.lc.errors > 0) {
		rc = TANDEM_ECONFIG;
		goto out;
	}
	*cfgp = r.lc.cfg;
	r.lc.cfg = NULL;
out:
	if (rc == 0 && r.lc.errors > 0)
		rc = TANDEM_ECONFIG;
	free(r.sects);
	tandem_config_free(r.lc.cfg);
	return rc;
}

void
tandem_config_free(struct tandem_config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nprograms; i++)
		program_free(&cfg->programs[i]);
	for (i = 0; i < cfg->nservers; i++) {
		free(cfg->servers[i].name);
		free(cfg->servers[i].url);
		free(cfg->servers[i].user);
		free(cfg->servers[i].password_file);
		free(cfg->servers[i].token_file);
		free(cfg->servers[i].ca_file);
		free(cfg->servers[i].freebusy);
	}
	free(cfg->programs);
	free(cfg->servers);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->state);
	free(cfg->socket);
	free(cfg->mail_smtp);
	free(cfg->mail_sendmail);
	free(cfg->mail_from);
	free(cfg->mail.user);
	free(cfg->mail.password_file);
	free(cfg->mail.ca_file);
	free(cfg->mail_starttls_text);
	free(cfg->mail_authserv_id);
	free(cfg);
}

const char *
tandem_config_path(const struct tandem_config *cfg)
{
	return cfg->path;
}

const char *
tandem_config_state(const struct tandem_config *cfg)
{
	return cfg->state;
}

const char *
tandem_config_socket(const struct tandem_config *cfg)
{
	return cfg->socket;
}

size_t
tandem_config_program_count(const struct tandem_config *cfg)
{
	return cfg->nprograms;
}

const char *
tandem_config_program_name(const struct tandem_config *cfg, size_t i)
{
	return i < cfg->nprograms ? cfg->programs[i].name : NULL;
}

size_t
tandem_config_pair_count(const struct tandem_config *cfg, size_t program)
{
	return program < cfg->nprograms ? cfg->programs[program].npairs : 0;
}
