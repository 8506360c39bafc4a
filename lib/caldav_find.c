/*
 * caldav_find: where a person's calendar is, for caldav.c's read.  The
 * answer of the probe (a calendar collection, a principal or home to list,
 * or not WebDAV: a feed), the listing of a calendar home into collections,
 * the checks that the home found is that person's (principal-URL, owner),
 * and the permanent moves of any URL asked.  Each handler moves the job on
 * with caldav_job_set_state() or fails it; caldav.c sends the requests.
 */
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "caldav.h"
#include "caldav-int.h"
#include "dav_xml.h"
#include "http.h"

static int
coll_add(struct caldav_cal *cal, const char *url)
{
	struct caldav_coll	*grown;

	grown = realloc(cal->colls, (cal->ncolls + 1) * sizeof(*grown));
	if (grown == NULL)
		return TANDEM_ENOMEM;
	cal->colls = grown;
	memset(&grown[cal->ncolls], 0, sizeof(*grown));
	grown[cal->ncolls].url = util_strdup(url);
	if (grown[cal->ncolls].url == NULL)
		return TANDEM_ENOMEM;
	cal->ncolls++;
	return 0;
}

/*
 * A new collection's ctag, sync token and reports from the PROPFIND that
 * found it (the same properties J_TOKEN asks for): 0 or TANDEM_ENOMEM.
 */
static int
coll_props(struct caldav_coll *c, const struct dav_response *r)
{
	if (caldav_replace(&c->ctag, r->prop[DAV_P_GETCTAG]) < 0 ||
	    caldav_replace(&c->token, r->prop[DAV_P_SYNC_TOKEN]) < 0)
		return TANDEM_ENOMEM;
	c->reports = r->reports;
	c->fresh = 1;
	return 0;
}

/*
 * What a server that does not speak WebDAV answers a PROPFIND with: the
 * resource itself, or a refusal of the method.
 */
static int
not_dav(int status)
{
	return (status >= 200 && status < 300 && status != 207) ||
	    status == 400 || status == 405 || status == 406 || status == 415 ||
	    status == 501;
}

/*
 * A principal that names another principal-URL than the one asked answers
 * for somebody else: some servers (Cyrus) answer a service account's
 * PROPFIND of a person's principal with the account's own properties, and
 * the person would then be read as the account's (empty) calendar.
 */
static int
same_principal(struct job *j, const struct dav_response *r,
    const struct http_result *res)
{
	const char	*said = r->prop[DAV_P_PRINCIPAL_URL];

	if (said == NULL || caldav_same_place(said, j->principal))
		return 1;
	caldav_fail(j, TANDEM_EIO, res->where, "this principal answers as "
	    "%.200s, another principal (the server may be answering for the "
	    "account tandem logs in as): its calendar home is not this "
	    "person's; give the person's calendar URL itself", said);
	return 0;
}

/*
 * The home listed must belong to the principal it was found from: its
 * DAV:owner, when the server says, names that principal.
 */
static int
home_owned(struct job *j, const struct dav_multistatus *ms,
    const struct http_result *res)
{
	size_t	i;

	if (j->principal == NULL)
		return 1;
	for (i = 0; i < ms->n; i++) {
		if (!caldav_same_place(ms->v[i].href, j->home) ||
		    ms->v[i].prop[DAV_P_OWNER] == NULL ||
		    caldav_same_place(ms->v[i].prop[DAV_P_OWNER], j->principal))
			continue;
		caldav_fail(j, TANDEM_EIO, res->where, "the calendar home "
		    "belongs to %.200s, not to the principal it was found "
		    "from (the server may be answering for the account tandem "
		    "logs in as); give the person's calendar URL itself",
		    ms->v[i].prop[DAV_P_OWNER]);
		return 0;
	}
	return 1;
}

/*
 * The probe's answer: a calendar, a home to list, or not WebDAV at all.
 * Authentication problems are failures, not feeds: a feed behind the same
 * credentials would fail the same way.
 */
void
caldav_find_probe(struct job *j, struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r;
	const char		*home, *base = res->url != NULL ? res->url :
				    j->cal->url;

	if (res->error == 0 && not_dav(res->status)) {
		j->cal->kind = CALDAV_FEED;
		caldav_job_set_state(j, J_DONE);
		return;
	}
	if (caldav_take_207(j, res, "", &ms) < 0)
		return;
	r = ms.n > 0 ? &ms.v[0] : NULL;
	home = r != NULL ? r->prop[DAV_P_CALENDAR_HOME_SET] : NULL;
	caldav_colls_clear(j->cal);
	if (r != NULL && (r->type & DAV_T_CALENDAR)) {
		if (coll_add(j->cal, j->cal->url) < 0 ||
		    coll_props(&j->cal->colls[j->cal->ncolls - 1], r) < 0)
			caldav_fail(j, TANDEM_ENOMEM, res->where,
			    "out of memory");
		else {
			j->cal->kind = CALDAV_DAV;
			caldav_job_set_state(j, J_NEXT);
		}
	} else if (r != NULL && (home != NULL || (r->type & DAV_T_COLLECTION))) {
		j->home = home != NULL ? caldav_resolve(base, home) :
		    util_strdup(base);
		if (home != NULL)
			j->principal = util_strdup(base);
		if (j->home == NULL || (home != NULL && j->principal == NULL))
			caldav_fail(j, TANDEM_ENOMEM, res->where,
			    "out of memory");
		else if (home != NULL && !same_principal(j, r, res))
			;	/* failed */
		else
			caldav_job_set_state(j, J_LIST);
	} else
		caldav_fail(j, TANDEM_EIO, res->where,
		    "neither a calendar nor a calendar home");
	dav_multistatus_free(&ms);
}

/* Every VEVENT calendar in the home is this person's. */
void
caldav_find_list(struct job *j, struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r;
	char			*url;
	size_t			 i;

	if (caldav_take_207(j, res, "calendar home", &ms) < 0)
		return;
	if (!home_owned(j, &ms, res)) {
		dav_multistatus_free(&ms);
		return;
	}
	for (i = 0; i < ms.n && j->state == J_LIST; i++) {
		r = &ms.v[i];
		if (!(r->type & DAV_T_CALENDAR) ||
		    (r->comps != 0 && !(r->comps & DAV_C_VEVENT)))
			continue;
		url = caldav_resolve(res->url != NULL ? res->url : j->home,
		    r->href);
		if (url == NULL || coll_add(j->cal, url) < 0 ||
		    coll_props(&j->cal->colls[j->cal->ncolls - 1], r) < 0)
			caldav_fail(j, TANDEM_ENOMEM, res->where,
			    "out of memory");
		free(url);
	}
	if (j->state == J_LIST && j->cal->ncolls == 0)
		caldav_fail(j, TANDEM_ENOENT, res->where,
		    "no calendar in this home");
	else if (j->state == J_LIST) {
		j->cal->kind = CALDAV_DAV;
		caldav_job_set_state(j, J_NEXT);
	}
	dav_multistatus_free(&ms);
}

/*
 * A permanent redirect (301, 308) of the URL just asked: the new place is
 * used from now on, and said; a temporary one is followed each time.
 */
void
caldav_find_move(struct job *j, const struct http_request *req,
    const struct http_result *res)
{
	char	**slot = NULL, *from, *to;

	if (res->url == NULL || !res->moved || res->error != 0)
		return;
	if (j->state == J_PROBE)
		slot = &j->cal->url;
	else if (j->state == J_LIST)
		slot = &j->home;
	else if (j->coll < j->cal->ncolls)
		slot = &j->cal->colls[j->coll].url;
	if (slot == NULL || strcmp(*slot, req->url) != 0)
		return;
	from = http_redact(*slot);
	to = http_redact(res->url);
	if (from != NULL && to != NULL)
		diag_add(j->diag, from, 0, "moved permanently to %s: read there "
		    "from now on%s", to, j->state == J_PROBE ?
		    " (put the new URL in people.csv)" : "");
	free(from);
	free(to);
	if (caldav_replace(slot, res->url) < 0)
		caldav_fail(j, TANDEM_ENOMEM, res->where, "out of memory");
}
