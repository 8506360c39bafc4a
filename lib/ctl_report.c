/*
 * ctl_report: attendance and health per pair, then per program, for a
 * champion's spreadsheet or a script: a table for people, CSV (RFC 4180:
 * a header row, CRLF, fields quoted when they hold a comma, a quote or a
 * line break) or JSON.  A pair is at risk when its latest decided session
 * was missed, when it is paused, or when a session to come has no slot;
 * its streak is the number of sessions held in a row, counting back from
 * the latest decided one (skipped and cancelled sessions count neither
 * way, as in lib/attendance.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl-int.h"

struct total {
	unsigned	pairs;
	unsigned	planned;
	unsigned	held;
	unsigned	missed;
	unsigned	at_risk;
};

struct reportctx {
	struct total	*totals;	/* one per program of the configuration */
	json_object	*pairs;		/* --json */
	int		 w[3];
};

static const char *const risks[] = { "last missed", "paused", "unschedulable" };

/* Which of risks[] hold for s, as bits. */
static unsigned
risk_bits(const struct ctl_sum *s)
{
	return (s->last_missed ? 1u : 0) | (s->paused ? 2u : 0) |
	    (s->unschedulable ? 4u : 0);
}

/* "last missed, paused", or "" */
static void
risk_text(unsigned bits, char *buf, size_t size)
{
	size_t	i, len;

	buf[0] = '\0';
	for (i = 0; i < TANDEM_NELEM(risks); i++) {
		if (!(bits & (1u << i)))
			continue;
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", risks[i]);
	}
}

static void
csv_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, f);
	else {
		fputc('"', f);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void
csv_number(FILE *f, unsigned n)
{
	fprintf(f, "%u,", n);
}

static json_object *
pair_json(const struct ctl_pair *p, const struct ctl_sum *s, unsigned bits)
{
	json_object	*o = json_object_new_object(), *r = json_object_new_array();
	size_t		 i;

	for (i = 0; i < TANDEM_NELEM(risks); i++)
		if (bits & (1u << i))
			json_object_array_add(r, json_object_new_string(risks[i]));
	json_object_object_add(o, "program", json_object_new_string(p->pg->name));
	json_object_object_add(o, "mentor",
	    json_object_new_string(p->pr->mentor->email));
	json_object_object_add(o, "mentee",
	    json_object_new_string(p->pr->mentee->email));
	json_object_object_add(o, "mentor_name",
	    json_object_new_string(p->pr->mentor->name));
	json_object_object_add(o, "mentee_name",
	    json_object_new_string(p->pr->mentee->name));
	json_object_object_add(o, "planned", json_object_new_int((int)s->planned));
	json_object_object_add(o, "held", json_object_new_int((int)s->held));
	json_object_object_add(o, "missed", json_object_new_int((int)s->missed));
	json_object_object_add(o, "streak", json_object_new_int((int)s->streak));
	json_object_object_add(o, "at_risk", json_object_new_boolean(bits != 0));
	json_object_object_add(o, "risks", r);
	return o;
}

static void
pair_csv(FILE *f, const struct ctl_pair *p, const struct ctl_sum *s,
    const char *risk)
{
	csv_field(f, p->pg->name, 0);
	csv_field(f, p->pr->mentor->email, 0);
	csv_field(f, p->pr->mentee->email, 0);
	csv_field(f, p->pr->mentor->name, 0);
	csv_field(f, p->pr->mentee->name, 0);
	csv_number(f, s->planned);
	csv_number(f, s->held);
	csv_number(f, s->missed);
	csv_number(f, s->streak);
	csv_field(f, risk[0] ? "yes" : "no", 0);
	csv_field(f, risk, 1);
}

static int
report_pair(struct ctl *c, const struct ctl_pair *p, void *ud)
{
	struct reportctx	*x = ud;
	struct total		*t = &x->totals[p->pg - c->cfg->programs];
	struct ctl_sum		 s;
	char			 risk[64];
	unsigned		 bits;
	int			 rc;

	rc = ctl_sum(c, p, &s);
	if (rc < 0)
		return rc;
	bits = risk_bits(&s);
	t->pairs++;
	t->planned += s.planned;
	t->held += s.held;
	t->missed += s.missed;
	t->at_risk += bits != 0;
	risk_text(bits, risk, sizeof(risk));
	if (c->json)
		return json_object_array_add(x->pairs, pair_json(p, &s, bits)) == 0 ?
		    0 : TANDEM_ENOMEM;
	if (c->csv)
		pair_csv(c->out, p, &s, risk);
	else
		fprintf(c->out, "%-*s  %-*s  %-*s  %7u  %4u  %6u  %6u  %s%s%s%s\n",
		    x->w[0], p->pg->name, x->w[1], p->pr->mentor->email, x->w[2],
		    p->pr->mentee->email, s.planned, s.held, s.missed, s.streak,
		    bits ? "yes" : "no", bits ? " (" : "", risk, bits ? ")" : "");
	return 0;
}

static json_object *
total_json(const struct program *pg, const struct total *t)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "program", json_object_new_string(pg->name));
	json_object_object_add(o, "pairs", json_object_new_int((int)t->pairs));
	json_object_object_add(o, "planned", json_object_new_int((int)t->planned));
	json_object_object_add(o, "held", json_object_new_int((int)t->held));
	json_object_object_add(o, "missed", json_object_new_int((int)t->missed));
	json_object_object_add(o, "at_risk", json_object_new_int((int)t->at_risk));
	return o;
}

/* The programs' totals, after the pairs, in the output's form. */
static int
report_totals(struct ctl *c, struct reportctx *x, json_object *top)
{
	const struct program	*pg;
	const struct total	*t;
	json_object		*list = NULL;
	size_t			 i;

	if (c->json) {
		list = json_object_new_array();
		json_object_object_add(top, "pairs", x->pairs);
		x->pairs = NULL;
		json_object_object_add(top, "programs", list);
	} else if (!c->csv)
		fprintf(c->out, "\n%-*s  %5s  %7s  %4s  %6s  %s\n", x->w[0],
		    "PROGRAM", "PAIRS", "PLANNED", "HELD", "MISSED", "AT RISK");
	for (i = 0; i < c->cfg->nprograms; i++) {
		pg = &c->cfg->programs[i];
		t = &x->totals[i];
		if (c->program != NULL && strcmp(pg->name, c->program) != 0)
			continue;
		if (list != NULL)
			json_object_array_add(list, total_json(pg, t));
		else if (c->csv) {
			csv_field(c->out, pg->name, 0);
			fprintf(c->out, ",,,,%u,%u,%u,,%u,\r\n", t->planned,
			    t->held, t->missed, t->at_risk);
		}
		else
			fprintf(c->out, "%-*s  %5u  %7u  %4u  %6u  %u\n", x->w[0],
			    pg->name, t->pairs, t->planned, t->held, t->missed,
			    t->at_risk);
	}
	return c->json ? ctl_print_json(c, top) : 0;
}

int
ctl_report(struct ctl *c)
{
	struct reportctx	 x;
	json_object		*top = NULL;
	int			 rc, ex;

	memset(&x, 0, sizeof(x));
	x.totals = calloc(c->cfg->nprograms + 1, sizeof(*x.totals));
	if (c->json) {
		top = json_object_new_object();
		x.pairs = json_object_new_array();
	}
	if (x.totals == NULL || (c->json && (top == NULL || x.pairs == NULL))) {
		ex = ctl_internal(c, TANDEM_ENOMEM);
		goto out;
	}
	ctl_widths(c, x.w, 7);
	if (c->csv)
		fputs("program,mentor,mentee,mentor_name,mentee_name,planned,held,"
		    "missed,streak,at_risk,risk\r\n", c->out);
	else if (!c->json)
		fprintf(c->out, "%-*s  %-*s  %-*s  %7s  %4s  %6s  %6s  %s\n", x.w[0],
		    "PROGRAM", x.w[1], "MENTOR", x.w[2], "MENTEE", "PLANNED", "HELD",
		    "MISSED", "STREAK", "AT RISK");
	rc = ctl_pairs_each(c, report_pair, &x);
	if (rc < 0) {
		ex = ctl_internal(c, rc);
		goto out;
	}
	ex = report_totals(c, &x, top);
	top = NULL;		/* printed and put */
out:
	json_object_put(top);
	json_object_put(x.pairs);
	free(x.totals);
	return ex;
}
