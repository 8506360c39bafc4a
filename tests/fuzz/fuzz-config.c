/*
 * fuzz-config: tandem.conf, people.csv and pairs.csv (lib/config.c, ini.c,
 * csvfile.c, people.c, programs.c), as tandemctl validate and a reload read
 * them.  The input is the three files one after the other, each separated
 * from the next by a line that holds only "%%":
 *
 *   [daemon] ... [program p] people = people.csv  pairs = pairs.csv ...
 *   %%
 *   email,name,tz,calendar
 *   ...
 *   %%
 *   mentor,mentee
 *   ...
 *
 * An input without a "%%" line is tandem.conf alone (the people and pairs
 * files then do not exist).  Each is written into a private directory that
 * also holds the files conf/example names beside them (holidays.ics,
 * agenda.txt, hooks/escalate, calendars/<person>.ics) and the secrets of
 * the seeds (lena.password, ...), and loaded from there.
 *
 * Promises checked besides the sanitizers: loading is all or nothing (0 with
 * a configuration and no complaint but warnings, "file:line: warning: ...";
 * or TANDEM_ECONFIG with at least one message); and a configuration that
 * loads has people whose names and addresses are valid UTF-8, as they go
 * into mail headers (issue 15 item 11).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "config-int.h"

static const char *const files[][2] = {
	{ "holidays.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
	    "BEGIN:VEVENT\r\nUID:h1\r\nDTSTART;VALUE=DATE:20270405\r\n"
	    "SUMMARY:Easter Monday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" },
	{ "agenda.txt", "What went well since last time?\n" },
	{ "calendars/lena.ics", "" },
	{ "calendars/marc.ics", "" },
	{ "calendars/priya.ics", "" },
	{ "calendars/tom.ics", "" },
	{ "calendars/sofia.ics", "" },
	{ "calendars/james.ics", "" },
	{ "cal.ics", "" },
	{ "hooks/escalate", "#!/bin/sh\nexit 0\n" },
	{ "lena.password", "secret\n" },
	{ "marc.token", "token\n" },
	{ "service.password", "secret\n" },
	{ "smtp.password", "secret\n" },
	{ "ca.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" },
};

static const char *const parts[] = { "tandem.conf", "people.csv", "pairs.csv" };

static char	conf[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*dir = fuzz_tmpdir();
	char		 path[4200];
	size_t		 i;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/calendars", dir);
	(void)mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/hooks", dir);
	(void)mkdir(path, 0700);
	for (i = 0; i < TANDEM_NELEM(files); i++) {
		fuzz_write(dir, files[i][0], files[i][1], strlen(files[i][1]));
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		(void)chmod(path, 0700);	/* secrets private, the hook runs */
	}
	snprintf(conf, sizeof(conf), "%s/tandem.conf", dir);
	return 0;
}

/* The next part of [p, end): its length; *next past its "%%" line, or NULL. */
static size_t
part(const char *p, const char *end, const char **next)
{
	const char	*q;

	for (q = p; q < end; q++) {
		if (q != p && q[-1] != '\n')
			continue;
		if (end - q >= 3 && memcmp(q, "%%\n", 3) == 0) {
			*next = q + 3;
			return (size_t)(q - p);
		}
		if (end - q >= 4 && memcmp(q, "%%\r\n", 4) == 0) {
			*next = q + 4;
			return (size_t)(q - p);
		}
	}
	*next = NULL;
	return (size_t)(end - p);
}

/* Is s valid UTF-8 (RFC 3629: no overlong form, no surrogate, <= U+10FFFF)? */
static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned		 c, min;
	int			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1, c = *p & 0x1f, min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2, c = *p & 0x0f, min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3, c = *p & 0x07, min = 0x10000;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Is diag message m a warning (config_warn()) rather than an error? */
static int
is_warning(const char *m)
{
	return strncmp(m, "warning: ", 9) == 0 || strstr(m, ": warning: ") != NULL;
}

static void
check_loaded(const struct tandem_config *cfg)
{
	const struct program	*pg;
	size_t			 i, j;

	for (i = 0; i < cfg->nprograms; i++) {
		pg = &cfg->programs[i];
		for (j = 0; j < pg->npeople; j++) {
			FUZZ_CHECK(utf8_valid(pg->people[j].email),
			    "people.csv:%d: email is not UTF-8",
			    pg->people[j].line);
			FUZZ_CHECK(pg->people[j].name == NULL ||
			    utf8_valid(pg->people[j].name),
			    "people.csv:%d: name is not UTF-8",
			    pg->people[j].line);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*p = (const char *)data, *end = p + size, *next;
	struct tandem_config	*cfg = NULL;
	struct tandem_diag	*diag;
	char			 path[4200];
	size_t			 i, n;
	int			 rc;

	if (size > 64 * 1024)
		return 0;
	for (i = 0; i < TANDEM_NELEM(parts); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), parts[i]);
		(void)remove(path);
	}
	for (i = 0; i < TANDEM_NELEM(parts) && p != NULL; i++) {
		n = part(p, end, &next);
		fuzz_write(fuzz_tmpdir(), parts[i], p, n);
		p = next;
	}
	diag = tandem_diag_new();
	if (diag == NULL)
		abort();
	rc = tandem_config_load(conf, &cfg, diag);
	FUZZ_CHECK(rc == 0 || rc == TANDEM_ECONFIG || rc == TANDEM_ENOMEM,
	    "tandem_config_load: %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(cfg != NULL, "0 and no configuration");
		for (i = 0; i < tandem_diag_count(diag); i++)
			FUZZ_CHECK(is_warning(tandem_diag_get(diag, i)),
			    "loaded, yet it says: %s", tandem_diag_get(diag, i));
		check_loaded(cfg);
		(void)tandem_config_program_count(cfg);
		(void)tandem_config_socket(cfg);
	} else {
		FUZZ_CHECK(cfg == NULL, "a configuration with error %d", rc);
		FUZZ_CHECK(rc == TANDEM_ENOMEM || tandem_diag_count(diag) > 0,
		    "refused without a message");
	}
	tandem_config_free(cfg);
	tandem_diag_free(diag);
	fuzz_input_done();
	return 0;
}
