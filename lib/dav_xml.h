/*
 * dav_xml: the WebDAV and CalDAV XML tandem reads and writes.  The only file
 * that includes libxml2.
 *
 * Answers are parsed without entities, without a DTD and without network:
 * a document with a DOCTYPE is refused.  Elements are matched by namespace
 * URI and local name, never by prefix (servers bind prefixes as they like).
 * Text is taken whole, whether it came as CDATA, character references or
 * plain text.
 *
 * Glossary
 *   multistatus   a 207 answer: one <response> per resource
 *   propstat      a group of properties with the status that applies to them
 *                 (200: here is the value, 404: no such property, 403: ...)
 *   href          a resource's path as the server wrote it, percent-encoded
 */
#ifndef TANDEM_DAV_XML_H
#define TANDEM_DAV_XML_H

#include <stddef.h>

/* The properties tandem asks for; the index into dav_response.prop. */
enum dav_prop {
	DAV_P_RESOURCETYPE,		/* DAV: (value: NULL; see type) */
	DAV_P_GETETAG,			/* DAV: text */
	DAV_P_GETCTAG,			/* http://calendarserver.org/ns/ text */
	DAV_P_SYNC_TOKEN,		/* DAV: text */
	DAV_P_CALENDAR_DATA,		/* caldav: text (the iCalendar object) */
	DAV_P_CURRENT_USER_PRINCIPAL,	/* DAV: the first <href> inside */
	DAV_P_CALENDAR_HOME_SET,	/* caldav: the first <href> inside */
	DAV_P_SCHEDULE_INBOX_URL,	/* caldav: the first <href> inside */
	DAV_P_SCHEDULE_OUTBOX_URL,	/* caldav: the first <href> inside */
	DAV_P_CALENDAR_USER_ADDRESS_SET,/* caldav: (value: NULL; see addresses) */
	DAV_P_SUPPORTED_REPORT_SET,	/* DAV: (value: NULL; see reports) */
	DAV_P_SUPPORTED_COMPONENTS,	/* caldav: supported-calendar-component-set (see comps) */
	DAV_P_DISPLAYNAME,		/* DAV: text */
	DAV_P_OWNER,			/* DAV: (RFC 3744) the first <href> inside */
	DAV_P_PRINCIPAL_URL,		/* DAV: (RFC 3744) the first <href> inside */
	DAV_P__COUNT
};

/* resourcetype children */
#define DAV_T_COLLECTION	0x01u
#define DAV_T_CALENDAR		0x02u	/* caldav:calendar */
#define DAV_T_PRINCIPAL		0x04u
#define DAV_T_SCHEDULE_INBOX	0x08u	/* caldav:schedule-inbox */
#define DAV_T_SCHEDULE_OUTBOX	0x10u	/* caldav:schedule-outbox */

/* supported-report-set: the reports named, with or without <report> wrappers */
#define DAV_R_SYNC_COLLECTION	0x01u	/* DAV:sync-collection */
#define DAV_R_FREE_BUSY_QUERY	0x02u	/* caldav:free-busy-query */
#define DAV_R_MULTIGET		0x04u	/* caldav:calendar-multiget */
#define DAV_R_QUERY		0x08u	/* caldav:calendar-query */

/* supported-calendar-component-set: <comp name="..."/> */
#define DAV_C_VEVENT		0x01u
#define DAV_C_VTODO		0x02u
#define DAV_C_VFREEBUSY		0x04u

/* One <response>.  Strings are owned by the multistatus. */
struct dav_response {
	char		*href;		/* the first <href>, as written (trimmed) */
	int		 status;	/* a <status> directly in <response>; 0: none */
	char		*prop[DAV_P__COUNT];	/* value, NULL: absent or empty */
	int		 prop_status[DAV_P__COUNT];	/* its propstat's status; 0: absent */
	unsigned	 type;		/* DAV_T_* */
	unsigned	 reports;	/* DAV_R_* */
	unsigned	 comps;		/* DAV_C_* */
	char		**addresses;	/* calendar-user-address-set hrefs */
	size_t		 naddresses;
};

struct dav_multistatus {
	struct dav_response	*v;
	size_t			 n;
	char			*sync_token;	/* <sync-token> child of <multistatus>, or NULL */
};

/*
 * Parse a 207 body.  Status lines ("HTTP/1.1 404 Not Found") become their
 * code; a missing or unreadable one is 0.  Returns 0, TANDEM_EPARSE with a
 * reason in err (not XML, a DOCTYPE, root not DAV:multistatus, a <response>
 * without <href>) or TANDEM_ENOMEM; on error *out is empty and freeable.
 */
int dav_parse_multistatus(const char *body, size_t len,
    struct dav_multistatus *out, char *err, size_t errlen);
void dav_multistatus_free(struct dav_multistatus *ms);

/* One recipient of a schedule-outbox POST answer (RFC 6638 §3.2.10). */
struct dav_sched_item {
	char	*recipient;		/* the <href> inside <recipient> */
	char	*request_status;	/* "2.0;Success", or NULL */
	char	*calendar_data;		/* the VFREEBUSY reply, or NULL */
};

/*
 * Parse a caldav:schedule-response body.  Same errors as above (root must be
 * caldav:schedule-response); *v is NULL and *n 0 on error.
 */
int dav_parse_schedule_response(const char *body, size_t len,
    struct dav_sched_item **v, size_t *n, char *err, size_t errlen);
void dav_sched_items_free(struct dav_sched_item *v, size_t n);

/*
 * s with &, <, >, " and ' escaped for XML text or attributes; NULL on ENOMEM.
 * The caller frees it.
 */
char *dav_xml_escape(const char *s);

#endif
