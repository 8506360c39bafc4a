/*
 * The INI reader behind tandem.conf.  Debian's inih was considered first but
 * does not fit as Debian builds it: the handler gets no line numbers, lines
 * are capped at 200 bytes, only ';' starts an inline comment and indented
 * lines silently continue the previous value.  The grammar is four kinds of
 * line, so it is read here, one line at a time, with exact positions.
 */
#include <string.h>

#include "tandem-int.h"
#include "ini.h"

static char *strip_comment(char *v, const char **why);
static int section_line(const char *file, char *s, int line,
    const struct ini_handler *h, void *ud, struct tandem_diag *diag);
static int pair_line(const char *file, char *s, int line,
    const struct ini_handler *h, void *ud, struct tandem_diag *diag);

/*
 * Cut an inline comment (whitespace then '#' or ';') off a value, or unquote
 * a "double-quoted" value.  Returns NULL with *why set on a malformed quote.
 */
static char *
strip_comment(char *v, const char **why)
{
	char	*p, *q;

	if (v[0] == '"') {
		for (p = v + 1, q = v; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*q++ = *p;
		}
		if (*p != '"') {
			*why = "unterminated quoted value";
			return NULL;
		}
		*q = '\0';
		p = util_trim(p + 1);
		if (*p != '\0' && *p != '#' && *p != ';') {
			*why = "text after a quoted value";
			return NULL;
		}
		return v;
	}
	for (p = v; *p != '\0'; p++)
		if ((*p == '#' || *p == ';') && (p == v || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	return util_trim(v);
}

static int
section_line(const char *file, char *s, int line, const struct ini_handler *h,
    void *ud, struct tandem_diag *diag)
{
	char	*end = strchr(s, ']');
	char	*type, *name = NULL, *sp, *tail;

	if (end == NULL) {
		diag_add(diag, file, line, "section header without closing ']'");
		return TANDEM_ECONFIG;
	}
	*end = '\0';
	/* Only a comment may follow: no value, so no quotes to read. */
	tail = util_trim(end + 1);
	if (tail[0] != '\0' && tail[0] != '#' && tail[0] != ';') {
		diag_add(diag, file, line, "text after section header");
		return TANDEM_ECONFIG;
	}
	type = util_trim(s + 1);
	sp = strpbrk(type, " \t");
	if (sp != NULL) {
		*sp = '\0';
		name = util_trim(sp + 1);
	}
	if (type[0] == '\0') {
		diag_add(diag, file, line, "empty section header");
		return TANDEM_ECONFIG;
	}
	return h->section(ud, type, name, line);
}

static int
pair_line(const char *file, char *s, int line, const struct ini_handler *h,
    void *ud, struct tandem_diag *diag)
{
	char		*eq = strchr(s, '=');
	char		*key, *value;
	const char	*why = NULL;

	if (eq == NULL) {
		diag_add(diag, file, line,
		    "expected \"key = value\" or \"[section]\", got \"%.40s\"", s);
		return TANDEM_ECONFIG;
	}
	*eq = '\0';
	key = util_trim(s);
	if (key[0] == '\0' || strpbrk(key, " \t") != NULL) {
		diag_add(diag, file, line, "\"%.40s\" is not a key", key);
		return TANDEM_ECONFIG;
	}
	value = strip_comment(util_trim(eq + 1), &why);
	if (value == NULL) {
		diag_add(diag, file, line, "%s: %s", key, why);
		return TANDEM_ECONFIG;
	}
	return h->pair(ud, key, value, line);
}

int
ini_parse(const char *file, const char *text, const struct ini_handler *h,
    void *ud, struct tandem_diag *diag)
{
	char		*copy = NULL, *cur, *nl, *s;
	int		 line = 0, rc = 0, r;

	copy = strdup(text);
	if (copy == NULL)
		return TANDEM_ENOMEM;
	cur = copy;
	if (strncmp(cur, "\xef\xbb\xbf", 3) == 0)
		cur += 3;
	while (cur != NULL && *cur != '\0') {
		line++;
		nl = strchr(cur, '\n');
		if (nl != NULL)
			*nl = '\0';
		s = util_trim(cur);
		cur = nl == NULL ? NULL : nl + 1;
		if (s[0] == '\0' || s[0] == '#' || s[0] == ';')
			continue;
		if (s[0] == '[')
			r = section_line(file, s, line, h, ud, diag);
		else
			r = pair_line(file, s, line, h, ud, diag);
		if (r == TANDEM_ECONFIG) {
			rc = TANDEM_ECONFIG;
			continue;
		}
		if (r < 0) {
			rc = r;
			break;
		}
	}
	free(copy);
	return rc;
}
