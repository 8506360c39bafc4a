/*
 * dav_xml: read the multistatus and schedule-response answers of WebDAV,
 * CalDAV and calendarserver servers into the plain structs of dav_xml.h, and
 * escape text for the requests tandem writes.  Every libxml2 call in tandem
 * is here, so the parser's options (no entities, no DTD, no network, nothing
 * printed) are decided in one place.  Elements are found by namespace URI
 * and local name; anything unknown is skipped, as servers add their own.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "tandem-int.h"
#include "dav_xml.h"

#define NS_DAV		"DAV:"
#define NS_CALDAV	"urn:ietf:params:xml:ns:caldav"
#define NS_CS		"http://calendarserver.org/ns/"

/* libxml2 2.12 made the structured error handler's argument const. */
#if LIBXML_VERSION >= 21200
#define XML_ERROR	const xmlError
#else
#define XML_ERROR	xmlError
#endif

/* How an element's text is trimmed (see text()). */
enum trim { TRIM_ALL, TRIM_ICAL };

/* How a property's value is read. */
enum kind { V_TEXT, V_ICAL, V_HREF, V_TYPE, V_REPORTS, V_COMPS, V_ADDRS };

struct bitname {
	const char	*ns;
	const char	*local;
	unsigned	 bit;
};

/* One parse: where its first error goes. */
struct rd {
	char	*err;
	size_t	 errlen;
	int	 seen;			/* err holds libxml2's first error */
	int	 nomem;
	int	 doctype;
};

static const struct {
	const char	*ns;
	const char	*local;
	enum kind	 kind;
} props[DAV_P__COUNT] = {
	[DAV_P_RESOURCETYPE] =		{ NS_DAV, "resourcetype", V_TYPE },
	[DAV_P_GETETAG] =		{ NS_DAV, "getetag", V_TEXT },
	[DAV_P_GETCTAG] =		{ NS_CS, "getctag", V_TEXT },
	[DAV_P_SYNC_TOKEN] =		{ NS_DAV, "sync-token", V_TEXT },
	[DAV_P_CALENDAR_DATA] =		{ NS_CALDAV, "calendar-data", V_ICAL },
	[DAV_P_CURRENT_USER_PRINCIPAL] = { NS_DAV, "current-user-principal", V_HREF },
	[DAV_P_CALENDAR_HOME_SET] =	{ NS_CALDAV, "calendar-home-set", V_HREF },
	[DAV_P_SCHEDULE_INBOX_URL] =	{ NS_CALDAV, "schedule-inbox-URL", V_HREF },
	[DAV_P_SCHEDULE_OUTBOX_URL] =	{ NS_CALDAV, "schedule-outbox-URL", V_HREF },
	[DAV_P_CALENDAR_USER_ADDRESS_SET] = { NS_CALDAV, "calendar-user-address-set", V_ADDRS },
	[DAV_P_SUPPORTED_REPORT_SET] =	{ NS_DAV, "supported-report-set", V_REPORTS },
	[DAV_P_SUPPORTED_COMPONENTS] =	{ NS_CALDAV, "supported-calendar-component-set", V_COMPS },
	[DAV_P_DISPLAYNAME] =		{ NS_DAV, "displayname", V_TEXT },
	[DAV_P_OWNER] =			{ NS_DAV, "owner", V_HREF },
	[DAV_P_PRINCIPAL_URL] =		{ NS_DAV, "principal-URL", V_HREF },
};

static const struct bitname types[] = {
	{ NS_DAV, "collection", DAV_T_COLLECTION },
	{ NS_CALDAV, "calendar", DAV_T_CALENDAR },
	{ NS_DAV, "principal", DAV_T_PRINCIPAL },
	{ NS_CALDAV, "schedule-inbox", DAV_T_SCHEDULE_INBOX },
	{ NS_CALDAV, "schedule-outbox", DAV_T_SCHEDULE_OUTBOX },
};

static const struct bitname reports[] = {
	{ NS_DAV, "sync-collection", DAV_R_SYNC_COLLECTION },
	{ NS_CALDAV, "free-busy-query", DAV_R_FREE_BUSY_QUERY },
	{ NS_CALDAV, "calendar-multiget", DAV_R_MULTIGET },
	{ NS_CALDAV, "calendar-query", DAV_R_QUERY },
};

static const struct bitname comp_names[] = {
	{ NULL, "VEVENT", DAV_C_VEVENT },
	{ NULL, "VTODO", DAV_C_VTODO },
	{ NULL, "VFREEBUSY", DAV_C_VFREEBUSY },
};

static void seterr(char *, size_t, const char *, ...) TANDEM_PRINTF(3, 4);

static pthread_once_t	xml_once = PTHREAD_ONCE_INIT;

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * libxml2 reports through the context's structured handler.  Keep the first
 * error (later ones tend to be its echoes) and print nothing: lib/ never
 * writes to stderr.
 */
static void
on_error(void *data, XML_ERROR *e)
{
	xmlParserCtxt	*ctxt = data;
	struct rd	*rd = ctxt->_private;
	const char	*msg = e->message != NULL ? e->message : "";
	size_t		 n = strlen(msg);

	if (rd == NULL || rd->seen)
		return;
	rd->seen = 1;
	rd->nomem = e->code == XML_ERR_NO_MEMORY;
	while (n > 0 && is_space(msg[n - 1]))
		n--;
	seterr(rd->err, rd->errlen, "line %d: %.*s", e->line, (int)n, msg);
}

/*
 * A DOCTYPE is where entity bombs and external entities (file:///etc/passwd)
 * come from, and no DAV server needs one: stop at the declaration, before
 * its internal subset is read.
 */
static void
on_doctype(void *data, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id)
{
	xmlParserCtxt	*ctxt = data;
	struct rd	*rd = ctxt->_private;

	rd->doctype = 1;
	xmlStopParser(ctxt);
}

/* Parse body into *docp, which has a root element when 0 is returned. */
static int
xml_read(const char *body, size_t len, xmlDoc **docp, char *err, size_t errlen)
{
	struct rd	 rd = { err, errlen, 0, 0, 0 };
	xmlParserCtxt	*ctxt = NULL;
	xmlDoc		*doc = NULL;
	int		 rc = TANDEM_EPARSE;

	*docp = NULL;
	seterr(err, errlen, "%s", "");
	if (body == NULL || len == 0) {
		seterr(err, errlen, "empty body");
		goto out;
	}
	if (len > INT_MAX) {
		seterr(err, errlen, "body too large");
		goto out;
	}
	pthread_once(&xml_once, xmlInitParser);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	/* Per-context handlers, so other threads' libxml2 use is untouched. */
	ctxt->_private = &rd;
	ctxt->sax->serror = on_error;
	ctxt->sax->internalSubset = on_doctype;
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (rd.doctype || (doc != NULL &&
	    (doc->intSubset != NULL || doc->extSubset != NULL)))
		seterr(err, errlen, "DOCTYPE not allowed");
	else if (rd.nomem)
		rc = TANDEM_ENOMEM;
	else if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		if (!rd.seen)
			seterr(err, errlen, "not XML");
	} else {
		seterr(err, errlen, "%s", "");	/* namespace warnings */
		*docp = doc;
		doc = NULL;
		rc = 0;
	}
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

static int
is(const xmlNode *n, const char *ns, const char *local)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    n->ns->href != NULL && strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, local) == 0;
}

static int
check_root(const xmlNode *root, const char *ns, const char *local,
    const char *want, char *err, size_t errlen)
{
	if (is(root, ns, local))
		return 0;
	if (root->ns != NULL && root->ns->href != NULL)
		seterr(err, errlen, "root is <{%.80s}%.80s>, not %s",
		    (const char *)root->ns->href, (const char *)root->name, want);
	else
		seterr(err, errlen, "root is <%.80s>, not %s",
		    (const char *)root->name, want);
	return TANDEM_EPARSE;
}

/* The first element ns:local among n's children (deep: below n), or NULL. */
static const xmlNode *
find(const xmlNode *n, const char *ns, const char *local, int deep)
{
	const xmlNode	*c, *d;

	for (c = n->children; c != NULL; c = c->next) {
		if (is(c, ns, local))
			return c;
		d = deep && c->type == XML_ELEMENT_NODE ?
		    find(c, ns, local, deep) : NULL;
		if (d != NULL)
			return d;
	}
	return NULL;
}

/*
 * The text of n as *out, NULL when there is none (the parser has already
 * decoded CDATA and character references such as &#13;).  Identifiers lose
 * the whitespace around them.  An iCalendar object keeps its line ends up to
 * its last one: the indentation a pretty-printing server puts after it would
 * otherwise read as a folded continuation line.
 */
static int
text(const xmlNode *n, enum trim how, char **out)
{
	xmlChar		*all;
	const char	*b, *e;

	*out = NULL;
	all = xmlNodeGetContent(n);	/* NULL only on ENOMEM for elements */
	if (all == NULL)
		return TANDEM_ENOMEM;
	for (b = (const char *)all; is_space(*b); b++)
		;
	for (e = b + strlen(b); e > b && is_space(e[-1]); e--)
		;
	if (how == TRIM_ICAL && e > b && e[0] == '\r' && e[1] == '\n')
		e += 2;
	else if (how == TRIM_ICAL && e > b && e[0] == '\n')
		e++;
	if (e > b)
		*out = util_strndup(b, (size_t)(e - b));
	xmlFree(all);
	return e > b && *out == NULL ? TANDEM_ENOMEM : 0;
}

/* The text of the first child ns:local of n; *out untouched without one. */
static int
child_text(const xmlNode *n, const char *ns, const char *local,
    enum trim how, char **out)
{
	const xmlNode	*c = find(n, ns, local, 0);

	return c != NULL ? text(c, how, out) : 0;
}

/* 404 for <status>HTTP/1.1 404 Not Found</status>; 0 for none or junk. */
static int
read_status(const xmlNode *n, int *code)
{
	char		*s = NULL;
	const char	*p = NULL;
	int		 rc = 0;

	*code = 0;
	if (n != NULL)
		rc = text(n, TRIM_ALL, &s);
	if (s != NULL && strncmp(s, "HTTP/", 5) == 0)
		p = strchr(s, ' ');
	while (p != NULL && *p == ' ')
		p++;
	if (p != NULL && p[0] >= '1' && p[0] <= '9' && p[1] >= '0' &&
	    p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
	    (p[3] == '\0' || p[3] == ' '))
		*code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	free(s);
	return rc;
}

/* The bits of the names among n's child elements, or anywhere below it. */
static unsigned
bits(const xmlNode *n, const struct bitname *t, size_t nt, int deep)
{
	const xmlNode	*c;
	unsigned	 b = 0;
	size_t		 i;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < nt; i++)
			if (is(c, t[i].ns, t[i].local))
				b |= t[i].bit;
		if (deep)
			b |= bits(c, t, nt, deep);
	}
	return b;
}

/* The value of attribute name (no namespace), when it is plain text. */
static const xmlChar *
attr(const xmlNode *n, const char *name)
{
	const xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children == NULL || a->children->type != XML_TEXT_NODE ||
		    a->children->next != NULL)
			return NULL;
		return a->children->content;
	}
	return NULL;
}

/* <C:comp name="vevent"/>: names are case-insensitive in practice. */
static unsigned
comps(const xmlNode *n)
{
	const xmlNode	*c;
	const xmlChar	*name;
	unsigned	 b = 0;
	size_t		 i;

	for (c = n->children; c != NULL; c = c->next) {
		if (!is(c, NS_CALDAV, "comp"))
			continue;
		name = attr(c, "name");
		for (i = 0; name != NULL && i < TANDEM_NELEM(comp_names); i++)
			if (xmlStrcasecmp(name,
			    (const xmlChar *)comp_names[i].local) == 0)
				b |= comp_names[i].bit;
	}
	return b;
}

static int
read_addresses(const xmlNode *n, struct dav_response *r)
{
	const xmlNode	*c;
	char		*s, **v;
	int		 rc;

	for (c = n->children; c != NULL; c = c->next) {
		if (!is(c, NS_DAV, "href"))
			continue;
		rc = text(c, TRIM_ALL, &s);
		if (rc < 0)
			return rc;
		if (s == NULL)
			continue;
		v = realloc(r->addresses, (r->naddresses + 1) * sizeof(*v));
		if (v == NULL) {
			free(s);
			return TANDEM_ENOMEM;
		}
		r->addresses = v;
		r->addresses[r->naddresses++] = s;
	}
	return 0;
}

static int
read_prop(const xmlNode *e, enum dav_prop p, struct dav_response *r)
{
	const xmlNode	*h;
	char		*s = NULL;
	int		 rc = 0;

	switch (props[p].kind) {
	case V_TEXT:
		rc = text(e, TRIM_ALL, &s);
		break;
	case V_ICAL:
		rc = text(e, TRIM_ICAL, &s);
		break;
	case V_HREF:
		h = find(e, NS_DAV, "href", 1);
		if (h != NULL)
			rc = text(h, TRIM_ALL, &s);
		break;
	case V_TYPE:
		r->type |= bits(e, types, TANDEM_NELEM(types), 0);
		break;
	case V_REPORTS:
		/* With or without <supported-report><report> around each. */
		r->reports |= bits(e, reports, TANDEM_NELEM(reports), 1);
		break;
	case V_COMPS:
		r->comps |= comps(e);
		break;
	case V_ADDRS:
		rc = read_addresses(e, r);
		break;
	}
	if (s != NULL) {
		free(r->prop[p]);
		r->prop[p] = s;
	}
	return rc;
}

static int
prop_index(const xmlNode *e)
{
	int	p;

	for (p = 0; p < DAV_P__COUNT; p++)
		if (is(e, props[p].ns, props[p].local))
			return p;
	return -1;
}

/*
 * A propstat's status applies to every property in it, and only a 2xx one
 * carries values: a 404 or 403 propstat lists the properties, empty.
 */
static int
read_propstat(const xmlNode *ps, struct dav_response *r)
{
	const xmlNode	*prop, *e;
	int		 code, p, rc;

	rc = read_status(find(ps, NS_DAV, "status", 0), &code);
	for (prop = ps->children; prop != NULL && rc == 0; prop = prop->next) {
		if (!is(prop, NS_DAV, "prop"))
			continue;
		for (e = prop->children; e != NULL && rc == 0; e = e->next) {
			p = prop_index(e);
			if (p < 0)
				continue;
			r->prop_status[p] = code;
			if (code >= 200 && code <= 299)
				rc = read_prop(e, (enum dav_prop)p, r);
		}
	}
	return rc;
}

static int
read_response(const xmlNode *rn, struct dav_response *r, char *err,
    size_t errlen)
{
	const xmlNode	*c;
	int		 rc = 0;

	for (c = rn->children; c != NULL && rc == 0; c = c->next) {
		if (is(c, NS_DAV, "href") && r->href == NULL)
			rc = text(c, TRIM_ALL, &r->href);
		else if (is(c, NS_DAV, "status"))
			rc = read_status(c, &r->status);
		else if (is(c, NS_DAV, "propstat"))
			rc = read_propstat(c, r);
	}
	if (rc == 0 && r->href == NULL) {
		seterr(err, errlen, "response without href");
		rc = TANDEM_EPARSE;
	}
	return rc;
}

/*
 * A new zeroed last element of *v, NULL on ENOMEM.  It is counted before it
 * is filled, so that a failure while filling it frees it with the rest.
 */
static void *
push(void **v, size_t *n, size_t *cap, size_t size)
{
	char	*last;

	if (util_grow(v, cap, *n, size) < 0)
		return NULL;
	last = (char *)*v + (*n)++ * size;
	memset(last, 0, size);
	return last;
}

int
dav_parse_multistatus(const char *body, size_t len,
    struct dav_multistatus *out, char *err, size_t errlen)
{
	xmlDoc			*doc = NULL;
	const xmlNode		*root, *c;
	struct dav_response	*r;
	size_t			 cap = 0;
	int			 rc;

	if (tandem_fails_assert(out != NULL))
		return TANDEM_EINVAL;
	memset(out, 0, sizeof(*out));
	rc = xml_read(body, len, &doc, err, errlen);
	if (rc < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	rc = check_root(root, NS_DAV, "multistatus", "DAV:multistatus", err,
	    errlen);
	if (rc < 0)
		goto out;
	rc = child_text(root, NS_DAV, "sync-token", TRIM_ALL, &out->sync_token);
	for (c = root->children; c != NULL && rc == 0; c = c->next) {
		if (!is(c, NS_DAV, "response"))
			continue;
		r = push((void **)&out->v, &out->n, &cap, sizeof(*r));
		rc = r != NULL ? read_response(c, r, err, errlen) : TANDEM_ENOMEM;
	}
out:
	xmlFreeDoc(doc);
	if (rc < 0)
		dav_multistatus_free(out);
	return rc;
}

static void
response_free(struct dav_response *r)
{
	size_t	i;

	free(r->href);
	for (i = 0; i < DAV_P__COUNT; i++)
		free(r->prop[i]);
	for (i = 0; i < r->naddresses; i++)
		free(r->addresses[i]);
	free(r->addresses);
}

void
dav_multistatus_free(struct dav_multistatus *ms)
{
	size_t	i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		response_free(&ms->v[i]);
	free(ms->v);
	free(ms->sync_token);
	memset(ms, 0, sizeof(*ms));
}

/* A recipient without an address cannot be matched to anyone: refused. */
static int
read_sched_item(const xmlNode *rn, struct dav_sched_item *it, char *err,
    size_t errlen)
{
	const xmlNode	*c;
	int		 rc = 0;

	c = find(rn, NS_CALDAV, "recipient", 0);
	if (c != NULL)
		c = find(c, NS_DAV, "href", 1);
	if (c != NULL)
		rc = text(c, TRIM_ALL, &it->recipient);
	if (rc == 0 && it->recipient == NULL) {
		seterr(err, errlen, "response without recipient");
		rc = TANDEM_EPARSE;
	}
	if (rc == 0)
		rc = child_text(rn, NS_CALDAV, "request-status", TRIM_ALL,
		    &it->request_status);
	if (rc == 0)
		rc = child_text(rn, NS_CALDAV, "calendar-data", TRIM_ICAL,
		    &it->calendar_data);
	return rc;
}

int
dav_parse_schedule_response(const char *body, size_t len,
    struct dav_sched_item **v, size_t *n, char *err, size_t errlen)
{
	xmlDoc			*doc = NULL;
	const xmlNode		*root, *c;
	struct dav_sched_item	*it;
	size_t			 cap = 0;
	int			 rc;

	if (tandem_fails_assert(v != NULL && n != NULL))
		return TANDEM_EINVAL;
	*v = NULL;
	*n = 0;
	rc = xml_read(body, len, &doc, err, errlen);
	if (rc < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	rc = check_root(root, NS_CALDAV, "schedule-response",
	    "caldav:schedule-response", err, errlen);
	for (c = root->children; c != NULL && rc == 0; c = c->next) {
		if (!is(c, NS_CALDAV, "response"))
			continue;
		it = push((void **)v, n, &cap, sizeof(*it));
		rc = it != NULL ? read_sched_item(c, it, err, errlen) :
		    TANDEM_ENOMEM;
	}
out:
	xmlFreeDoc(doc);
	if (rc < 0) {
		dav_sched_items_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return rc;
}

void
dav_sched_items_free(struct dav_sched_item *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].recipient);
		free(v[i].request_status);
		free(v[i].calendar_data);
	}
	free(v);
}

char *
dav_xml_escape(const char *s)
{
	static const char		 special[] = "&<>\"'";
	static const char *const	 entity[] = {
		"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"
	};
	const char	*p, *q;
	char		*out, *o;
	size_t		 len = 1;

	if (tandem_fails_assert(s != NULL))
		return NULL;
	for (p = s; *p != '\0'; p++) {
		q = strchr(special, *p);
		len += q != NULL ? strlen(entity[q - special]) : 1;
	}
	out = malloc(len);
	if (out == NULL)
		return NULL;
	for (o = out, p = s; *p != '\0'; p++) {
		q = strchr(special, *p);
		if (q == NULL)
			*o++ = *p;
		else
			o = stpcpy(o, entity[q - special]);
	}
	*o = '\0';
	return out;
}
