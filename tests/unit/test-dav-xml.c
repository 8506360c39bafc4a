/*
 * dav_xml: the 207 and schedule-response answers of real servers, whatever
 * prefixes they bind, however they encode calendar data, and the documents
 * that must be refused (DOCTYPEs, HTML error pages, truncated bodies) without
 * libxml2 printing anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tt.h"
#include "tandem-int.h"
#include "dav_xml.h"

#define ALL_REPORTS	(DAV_R_SYNC_COLLECTION | DAV_R_FREE_BUSY_QUERY | \
			 DAV_R_MULTIGET | DAV_R_QUERY)

/* Radicale's answer to the collection PROPFIND. */
static const char RADICALE[] =
    "<?xml version='1.0' encoding='utf-8'?>\n"
    "<d:multistatus xmlns:d=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\""
    " xmlns:CS=\"http://calendarserver.org/ns/\">\n"
    "  <d:response>\n"
    "    <d:href>/lena/work/</d:href>\n"
    "    <d:propstat>\n"
    "      <d:prop>\n"
    "        <d:resourcetype><C:calendar /><d:collection /></d:resourcetype>\n"
    "        <CS:getctag>\"5a1b-ctag\"</CS:getctag>\n"
    "        <d:sync-token>http://radicale.org/ns/sync/5a1b</d:sync-token>\n"
    "        <d:getetag>\"e7f0\"</d:getetag>\n"
    "        <d:displayname>Work</d:displayname>\n"
    "        <d:supported-report-set>\n"
    "          <d:supported-report><d:report><d:expand-property /></d:report>"
    "</d:supported-report>\n"
    "          <d:supported-report><d:report><d:sync-collection /></d:report>"
    "</d:supported-report>\n"
    "          <d:supported-report><d:report><C:calendar-multiget /></d:report>"
    "</d:supported-report>\n"
    "          <d:supported-report><d:report><C:calendar-query /></d:report>"
    "</d:supported-report>\n"
    "          <d:supported-report><d:report><C:free-busy-query /></d:report>"
    "</d:supported-report>\n"
    "        </d:supported-report-set>\n"
    "        <C:supported-calendar-component-set><C:comp name=\"VEVENT\" />"
    "<C:comp name=\"vtodo\" /></C:supported-calendar-component-set>\n"
    "      </d:prop>\n"
    "      <d:status>HTTP/1.1 200 OK</d:status>\n"
    "    </d:propstat>\n"
    "  </d:response>\n"
    "</d:multistatus>\n";

/* The same answer, DAV: as the default namespace and no prefixes at all. */
static const char UNPREFIXED[] =
    "<?xml version=\"1.0\"?>"
    "<multistatus xmlns=\"DAV:\"><response><href>/lena/work/</href><propstat>"
    "<prop>"
    "<resourcetype><calendar xmlns=\"urn:ietf:params:xml:ns:caldav\"/>"
    "<collection/></resourcetype>"
    "<getctag xmlns=\"http://calendarserver.org/ns/\">\"5a1b-ctag\"</getctag>"
    "<sync-token>http://radicale.org/ns/sync/5a1b</sync-token>"
    "<getetag>\"e7f0\"</getetag>"
    "<displayname>Work</displayname>"
    "<supported-report-set>"
    "<supported-report><report><sync-collection/></report></supported-report>"
    "<supported-report><report>"
    "<calendar-multiget xmlns=\"urn:ietf:params:xml:ns:caldav\"/>"
    "</report></supported-report>"
    "<supported-report><report>"
    "<calendar-query xmlns=\"urn:ietf:params:xml:ns:caldav\"/>"
    "</report></supported-report>"
    "<supported-report><report>"
    "<free-busy-query xmlns=\"urn:ietf:params:xml:ns:caldav\"/>"
    "</report></supported-report>"
    "</supported-report-set>"
    "<supported-calendar-component-set "
    "xmlns=\"urn:ietf:params:xml:ns:caldav\"><comp name=\"VEVENT\"/>"
    "<comp name=\"VTODO\"/></supported-calendar-component-set>"
    "</prop><status>HTTP/1.1 200 OK</status></propstat></response>"
    "</multistatus>";

/*
 * DAViCal-style prefixes: C is the calendarserver namespace, and decoys with
 * DAV: local names in other namespaces must not be taken for them.
 */
static const char SWAPPED[] =
    "<A:multistatus xmlns:A=\"DAV:\" xmlns:C=\"http://calendarserver.org/ns/\""
    " xmlns:B=\"urn:ietf:params:xml:ns:caldav\" xmlns:X=\"http://example.com/x\">"
    "<A:response><X:href>/decoy/</X:href><A:href>\n  /lena/work/\n</A:href>"
    "<A:propstat><A:prop>"
    "<A:resourcetype><A:collection/><B:calendar/><C:principal/></A:resourcetype>"
    "<C:getctag>\"5a1b-ctag\"</C:getctag>"
    "<A:sync-token>http://radicale.org/ns/sync/5a1b</A:sync-token>"
    "<A:getetag>\"e7f0\"</A:getetag>"
    "<C:getetag>\"decoy\"</C:getetag>"
    "<X:displayname>Decoy</X:displayname>"
    "<A:displayname>Work</A:displayname>"
    "<A:supported-report-set>"
    "<A:supported-report><A:report><B:free-busy-query/></A:report></A:supported-report>"
    "<A:supported-report><A:report><A:sync-collection/></A:report></A:supported-report>"
    "<A:supported-report><A:report><B:calendar-multiget/></A:report></A:supported-report>"
    "<A:supported-report><A:report><B:calendar-query/></A:report></A:supported-report>"
    "</A:supported-report-set>"
    "<B:supported-calendar-component-set><B:comp name=\"VTodo\"/>"
    "<C:comp name=\"VFREEBUSY\"/><B:comp name=\"VEVENT\"/>"
    "</B:supported-calendar-component-set>"
    "</A:prop><A:status>HTTP/1.1 200 OK</A:status></A:propstat></A:response>"
    "</A:multistatus>";

static int
parse(const char *body, struct dav_multistatus *ms, char *err, size_t errlen)
{
	return dav_parse_multistatus(body, strlen(body), ms, err, errlen);
}

/* Every parse of the collection PROPFIND must give exactly this. */
static void
check_collection(const char *body)
{
	struct dav_multistatus	 ms;
	const struct dav_response *r;
	char			 err[256];
	int			 p;

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 1);
	ASSERT_TRUE(ms.sync_token == NULL);
	r = &ms.v[0];
	ASSERT_STR_EQ(r->href, "/lena/work/");
	ASSERT_EQ(r->status, 0);
	ASSERT_EQ(r->type, DAV_T_COLLECTION | DAV_T_CALENDAR);
	ASSERT_EQ(r->reports, ALL_REPORTS);
	ASSERT_EQ(r->comps, DAV_C_VEVENT | DAV_C_VTODO);
	ASSERT_STR_EQ(r->prop[DAV_P_GETCTAG], "\"5a1b-ctag\"");
	ASSERT_STR_EQ(r->prop[DAV_P_GETETAG], "\"e7f0\"");
	ASSERT_STR_EQ(r->prop[DAV_P_SYNC_TOKEN], "http://radicale.org/ns/sync/5a1b");
	ASSERT_STR_EQ(r->prop[DAV_P_DISPLAYNAME], "Work");
	ASSERT_TRUE(r->prop[DAV_P_RESOURCETYPE] == NULL);
	ASSERT_TRUE(r->prop[DAV_P_SUPPORTED_REPORT_SET] == NULL);
	ASSERT_EQ(r->naddresses, 0);
	for (p = 0; p < DAV_P__COUNT; p++) {
		switch (p) {
		case DAV_P_RESOURCETYPE:
		case DAV_P_GETCTAG:
		case DAV_P_SYNC_TOKEN:
		case DAV_P_GETETAG:
		case DAV_P_DISPLAYNAME:
		case DAV_P_SUPPORTED_REPORT_SET:
		case DAV_P_SUPPORTED_COMPONENTS:
			ASSERT_EQ(r->prop_status[p], 200);
			break;
		default:
			ASSERT_EQ(r->prop_status[p], 0);
			ASSERT_TRUE(r->prop[p] == NULL);
		}
	}
	dav_multistatus_free(&ms);
	ASSERT_EQ(ms.n, 0);
	ASSERT_TRUE(ms.v == NULL);
}

TEST(radicale_collection_propfind)
{
	check_collection(RADICALE);
}

TEST(prefixes_do_not_matter_only_namespaces)
{
	check_collection(UNPREFIXED);
	check_collection(SWAPPED);
}

TEST(a_404_propstat_leaves_its_properties_without_value)
{
	static const char body[] =
	    "<d:multistatus xmlns:d=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\""
	    " xmlns:CS=\"http://calendarserver.org/ns/\"><d:response>"
	    "<d:href>/lena/work/</d:href>"
	    "<d:propstat><d:prop><d:getetag>\"1\"</d:getetag>"
	    "<d:displayname>Work</d:displayname></d:prop>"
	    "<d:status>\n  HTTP/1.1 200 OK\n</d:status></d:propstat>"
	    "<d:propstat><d:prop><CS:getctag/><d:sync-token/>"
	    "<C:calendar-home-set><d:href>/ignored/</d:href></C:calendar-home-set>"
	    "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>"
	    "<d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype>"
	    "<C:supported-calendar-component-set><C:comp name=\"VEVENT\"/>"
	    "</C:supported-calendar-component-set>"
	    "</d:prop><d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat>"
	    "<d:propstat><d:prop><C:calendar-data>BEGIN:VCALENDAR</C:calendar-data>"
	    "</d:prop><d:status>not a status line</d:status></d:propstat>"
	    "</d:response></d:multistatus>";
	struct dav_multistatus	 ms;
	const struct dav_response *r;
	char			 err[256];

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 1);
	r = &ms.v[0];
	ASSERT_EQ(r->prop_status[DAV_P_GETETAG], 200);
	ASSERT_STR_EQ(r->prop[DAV_P_GETETAG], "\"1\"");
	ASSERT_STR_EQ(r->prop[DAV_P_DISPLAYNAME], "Work");
	ASSERT_EQ(r->prop_status[DAV_P_GETCTAG], 404);
	ASSERT_TRUE(r->prop[DAV_P_GETCTAG] == NULL);
	ASSERT_EQ(r->prop_status[DAV_P_SYNC_TOKEN], 404);
	ASSERT_TRUE(r->prop[DAV_P_SYNC_TOKEN] == NULL);
	ASSERT_EQ(r->prop_status[DAV_P_CALENDAR_HOME_SET], 404);
	ASSERT_TRUE(r->prop[DAV_P_CALENDAR_HOME_SET] == NULL);
	/* Only a 2xx propstat says what the resource is. */
	ASSERT_EQ(r->prop_status[DAV_P_RESOURCETYPE], 403);
	ASSERT_EQ(r->type, 0);
	ASSERT_EQ(r->prop_status[DAV_P_SUPPORTED_COMPONENTS], 403);
	ASSERT_EQ(r->comps, 0);
	/* An unreadable status is 0 and carries no value either. */
	ASSERT_EQ(r->prop_status[DAV_P_CALENDAR_DATA], 0);
	ASSERT_TRUE(r->prop[DAV_P_CALENDAR_DATA] == NULL);
	dav_multistatus_free(&ms);
}

TEST(calendar_data_in_cdata_is_taken_whole)
{
	/* XML turns a raw CRLF into LF, in CDATA too: servers sending raw
	 * line ends deliver LF, and the markup inside CDATA is text. */
	static const char body[] =
	    "<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
	    "<D:response><D:href>/lena/work/a.ics</D:href><D:propstat><D:prop>"
	    "<D:getetag>\"a1\"</D:getetag>"
	    "<C:calendar-data><![CDATA[BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "BEGIN:VEVENT\r\nUID:a@corp.example\r\nDESCRIPTION:a<b> & c]]>"
	    "<![CDATA[\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n]]></C:calendar-data>"
	    "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
	    "</D:response></D:multistatus>";
	struct dav_multistatus	ms;
	char			err[256];

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 1);
	ASSERT_EQ(ms.v[0].prop_status[DAV_P_CALENDAR_DATA], 200);
	ASSERT_STR_EQ(ms.v[0].prop[DAV_P_CALENDAR_DATA],
	    "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a@corp.example\n"
	    "DESCRIPTION:a<b> & c\nEND:VEVENT\nEND:VCALENDAR\n");
	dav_multistatus_free(&ms);
}

TEST(calendar_data_with_character_references_keeps_crlf)
{
	/* Server S: &#13; before a literal newline; others &#13;&#10;. */
	static const char body[] =
	    "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\n"
	    " <response><href>/s/a.ics</href><propstat><prop>\n"
	    "  <C:calendar-data>BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\n"
	    "SUMMARY:R&amp;D &lt;weekly&gt;&#13;\nEND:VCALENDAR&#13;\n"
	    "</C:calendar-data>\n"
	    " </prop><status>HTTP/1.1 200 OK</status></propstat></response>\n"
	    " <response><href>/s/b.ics</href><propstat><prop>\n"
	    "  <C:calendar-data>\n      BEGIN:VCALENDAR&#13;&#10;VERSION:2.0&#13;&#10;"
	    "DESCRIPTION:two&#13;&#10; lines&#13;&#10;END:VCALENDAR&#13;&#10;\n"
	    "    </C:calendar-data>\n"
	    " </prop><status>HTTP/1.1 200 OK</status></propstat></response>\n"
	    "</multistatus>\n";
	struct dav_multistatus	ms;
	char			err[256];

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 2);
	ASSERT_STR_EQ(ms.v[0].prop[DAV_P_CALENDAR_DATA],
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:R&D <weekly>\r\n"
	    "END:VCALENDAR\r\n");
	/* The indentation around the object goes, its folded line stays. */
	ASSERT_STR_EQ(ms.v[1].prop[DAV_P_CALENDAR_DATA],
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nDESCRIPTION:two\r\n lines\r\n"
	    "END:VCALENDAR\r\n");
	dav_multistatus_free(&ms);
}

TEST(sync_collection_deletions_and_token)
{
	static const char body[] =
	    "<d:multistatus xmlns:d=\"DAV:\">"
	    "<d:response><d:href>/lena/work/gone.ics</d:href>"
	    "<d:status>HTTP/1.1 404 Not Found</d:status></d:response>"
	    "<d:response><d:href>/lena/work/new.ics</d:href><d:propstat><d:prop>"
	    "<d:getetag>\"n1\"</d:getetag></d:prop>"
	    "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
	    "<d:sync-token> http://radicale.org/ns/sync/77 </d:sync-token>"
	    "</d:multistatus>";
	struct dav_multistatus	ms;
	char			err[256];

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_STR_EQ(ms.sync_token, "http://radicale.org/ns/sync/77");
	ASSERT_EQ(ms.n, 2);
	ASSERT_STR_EQ(ms.v[0].href, "/lena/work/gone.ics");
	ASSERT_EQ(ms.v[0].status, 404);
	ASSERT_TRUE(ms.v[0].prop[DAV_P_GETETAG] == NULL);
	ASSERT_EQ(ms.v[0].prop_status[DAV_P_GETETAG], 0);
	ASSERT_STR_EQ(ms.v[1].href, "/lena/work/new.ics");
	ASSERT_EQ(ms.v[1].status, 0);
	ASSERT_STR_EQ(ms.v[1].prop[DAV_P_GETETAG], "\"n1\"");
	/* The token of the collection is not a property of a resource. */
	ASSERT_TRUE(ms.v[1].prop[DAV_P_SYNC_TOKEN] == NULL);
	dav_multistatus_free(&ms);
}

TEST(radicale_free_busy_207_with_bare_hrefs)
{
	static const char body[] =
	    "<?xml version='1.0' encoding='utf-8'?>\n"
	    "<multistatus xmlns=\"DAV:\"><response><href>/lena/work/a.ics</href>"
	    "</response><response><href>/lena/work/b.ics</href></response>"
	    "</multistatus>";
	struct dav_multistatus	ms;
	char			err[256];
	size_t			i;
	int			p;

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 2);
	ASSERT_STR_EQ(ms.v[0].href, "/lena/work/a.ics");
	ASSERT_STR_EQ(ms.v[1].href, "/lena/work/b.ics");
	for (i = 0; i < ms.n; i++) {
		ASSERT_EQ(ms.v[i].status, 0);
		ASSERT_EQ(ms.v[i].type | ms.v[i].reports | ms.v[i].comps, 0);
		for (p = 0; p < DAV_P__COUNT; p++) {
			ASSERT_TRUE(ms.v[i].prop[p] == NULL);
			ASSERT_EQ(ms.v[i].prop_status[p], 0);
		}
	}
	dav_multistatus_free(&ms);
}

TEST(server_x_reports_without_wrappers)
{
	static const char body[] =
	    "<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
	    "<D:response><D:href>/x/cal/</D:href><D:propstat><D:prop>"
	    "<D:supported-report-set><D:sync-collection/><C:calendar-multiget/>"
	    "<C:calendar-query/><D:principal-match/></D:supported-report-set>"
	    "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
	    "</D:response></D:multistatus>";
	struct dav_multistatus	ms;
	char			err[256];

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 1);
	ASSERT_EQ(ms.v[0].reports,
	    DAV_R_SYNC_COLLECTION | DAV_R_MULTIGET | DAV_R_QUERY);
	ASSERT_EQ(ms.v[0].prop_status[DAV_P_SUPPORTED_REPORT_SET], 200);
	dav_multistatus_free(&ms);
}

TEST(principal_discovery)
{
	static const char body[] =
	    "<d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">"
	    "<d:response><d:href>/principals/lena/</d:href><d:propstat><d:prop>"
	    "<d:current-user-principal><d:href>/principals/lena/</d:href>"
	    "</d:current-user-principal>"
	    "<cal:calendar-home-set>\n  <d:href>https://cal2.corp.example/dav/lena/"
	    "</d:href>\n</cal:calendar-home-set>"
	    "<cal:schedule-inbox-URL><d:href>/dav/lena/inbox/</d:href>"
	    "</cal:schedule-inbox-URL>"
	    "<cal:schedule-outbox-URL><d:href>\n /dav/lena/outbox/ \n</d:href>"
	    "</cal:schedule-outbox-URL>"
	    "<cal:calendar-user-address-set>"
	    "<d:href>mailto:lena.vogel@corp.example</d:href>"
	    "<d:href> /principals/lena/ </d:href>"
	    "</cal:calendar-user-address-set>"
	    "<d:resourcetype><d:principal/></d:resourcetype>"
	    "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
	    "</d:response></d:multistatus>";
	struct dav_multistatus	 ms;
	const struct dav_response *r;
	char			 err[256];

	ASSERT_EQ(parse(body, &ms, err, sizeof(err)), 0);
	ASSERT_EQ(ms.n, 1);
	r = &ms.v[0];
	ASSERT_STR_EQ(r->prop[DAV_P_CURRENT_USER_PRINCIPAL], "/principals/lena/");
	ASSERT_STR_EQ(r->prop[DAV_P_CALENDAR_HOME_SET],
	    "https://cal2.corp.example/dav/lena/");
	ASSERT_STR_EQ(r->prop[DAV_P_SCHEDULE_INBOX_URL], "/dav/lena/inbox/");
	ASSERT_STR_EQ(r->prop[DAV_P_SCHEDULE_OUTBOX_URL], "/dav/lena/outbox/");
	ASSERT_EQ(r->prop_status[DAV_P_CALENDAR_USER_ADDRESS_SET], 200);
	ASSERT_TRUE(r->prop[DAV_P_CALENDAR_USER_ADDRESS_SET] == NULL);
	ASSERT_EQ(r->naddresses, 2);
	ASSERT_STR_EQ(r->addresses[0], "mailto:lena.vogel@corp.example");
	ASSERT_STR_EQ(r->addresses[1], "/principals/lena/");
	ASSERT_EQ(r->type, DAV_T_PRINCIPAL);
	dav_multistatus_free(&ms);
}

TEST(schedule_response_with_two_recipients)
{
	static const char body[] =
	    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<C:schedule-response xmlns:D=\"DAV:\""
	    " xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\n"
	    "<C:response>\n"
	    "<C:recipient><D:href>mailto:marc.dubois@corp.example</D:href>"
	    "</C:recipient>\n"
	    "<C:request-status>2.0;Success</C:request-status>\n"
	    "<C:calendar-data>BEGIN:VCALENDAR&#13;\nMETHOD:REPLY&#13;\n"
	    "BEGIN:VFREEBUSY&#13;\n"
	    "FREEBUSY;FBTYPE=BUSY:20270111T090000Z/20270111T100000Z&#13;\n"
	    "END:VFREEBUSY&#13;\nEND:VCALENDAR&#13;\n</C:calendar-data>\n"
	    "</C:response>\n"
	    "<C:response>\n"
	    "<C:recipient><D:href> mailto:carol@elsewhere.org </D:href>"
	    "</C:recipient>\n"
	    "<C:request-status>3.7;Invalid calendar user</C:request-status>\n"
	    "</C:response>\n"
	    "</C:schedule-response>\n";
	struct dav_sched_item	*v;
	size_t			 n;
	char			 err[256];

	ASSERT_EQ(dav_parse_schedule_response(body, strlen(body), &v, &n, err,
	    sizeof(err)), 0);
	ASSERT_EQ(n, 2);
	ASSERT_STR_EQ(v[0].recipient, "mailto:marc.dubois@corp.example");
	ASSERT_STR_EQ(v[0].request_status, "2.0;Success");
	ASSERT_STR_EQ(v[0].calendar_data,
	    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VFREEBUSY\r\n"
	    "FREEBUSY;FBTYPE=BUSY:20270111T090000Z/20270111T100000Z\r\n"
	    "END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
	ASSERT_STR_EQ(v[1].recipient, "mailto:carol@elsewhere.org");
	ASSERT_STR_EQ(v[1].request_status, "3.7;Invalid calendar user");
	ASSERT_TRUE(v[1].calendar_data == NULL);
	dav_sched_items_free(v, n);
}

TEST(schedule_response_errors_leave_nothing)
{
	static const char norecipient[] =
	    "<C:schedule-response xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
	    "<C:response><C:request-status>2.0;Success</C:request-status>"
	    "</C:response></C:schedule-response>";
	struct dav_sched_item	 stale, *v = &stale;
	size_t			 n = 7;
	char			 err[256];

	ASSERT_EQ(dav_parse_schedule_response(RADICALE, strlen(RADICALE), &v,
	    &n, err, sizeof(err)), TANDEM_EPARSE);
	ASSERT_TRUE(v == NULL);
	ASSERT_EQ(n, 0);
	ASSERT_STR_EQ(err,
	    "root is <{DAV:}multistatus>, not caldav:schedule-response");
	ASSERT_EQ(dav_parse_schedule_response(norecipient, strlen(norecipient),
	    &v, &n, err, sizeof(err)), TANDEM_EPARSE);
	ASSERT_TRUE(v == NULL);
	ASSERT_EQ(n, 0);
	ASSERT_STR_EQ(err, "response without recipient");
	dav_sched_items_free(NULL, 0);
}

/* Parse body, expecting EPARSE and an empty, freeable result; err says why. */
static void
refuse(const char *body, size_t len, char *err, size_t errlen)
{
	struct dav_multistatus	ms;

	memset(&ms, 0xa5, sizeof(ms));
	ASSERT_EQ(dav_parse_multistatus(body, len, &ms, err, errlen),
	    TANDEM_EPARSE);
	ASSERT_TRUE(ms.v == NULL);
	ASSERT_EQ(ms.n, 0);
	ASSERT_TRUE(ms.sync_token == NULL);
	dav_multistatus_free(&ms);
}

static const char LAUGHS[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>&lol9;</d:href>"
    "</d:response></d:multistatus>\n";

static const char XXE[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE d:multistatus [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
    "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>&x;</d:href>"
    "</d:response></d:multistatus>\n";

TEST(doctypes_are_refused)
{
	static const char external_dtd[] =
	    "<!DOCTYPE multistatus SYSTEM \"http://example.com/dav.dtd\">"
	    "<multistatus xmlns=\"DAV:\"/>";
	char	err[256];

	refuse(LAUGHS, strlen(LAUGHS), err, sizeof(err));
	ASSERT_STR_EQ(err, "DOCTYPE not allowed");
	refuse(XXE, strlen(XXE), err, sizeof(err));
	ASSERT_STR_EQ(err, "DOCTYPE not allowed");
	refuse(external_dtd, strlen(external_dtd), err, sizeof(err));
	ASSERT_STR_EQ(err, "DOCTYPE not allowed");
}

TEST(what_is_not_a_multistatus_is_refused)
{
	static const char html[] = "<html><body>500</body></html>";
	static const char plain[] = "plain text";
	static const char other_ns[] =
	    "<multistatus xmlns=\"urn:not-dav\"><response/></multistatus>";
	static const char unbound[] =
	    "<d:multistatus><d:response/></d:multistatus>";
	char	err[256];

	refuse(html, strlen(html), err, sizeof(err));
	ASSERT_STR_EQ(err, "root is <html>, not DAV:multistatus");
	refuse(plain, strlen(plain), err, sizeof(err));
	ASSERT_STR_EQ(err, "line 1: Start tag expected, '<' not found");
	refuse(other_ns, strlen(other_ns), err, sizeof(err));
	ASSERT_STR_EQ(err, "root is <{urn:not-dav}multistatus>, not DAV:multistatus");
	refuse(unbound, strlen(unbound), err, sizeof(err));
	ASSERT_CONTAINS(err, "multistatus>, not DAV:multistatus");
	refuse("", 0, err, sizeof(err));
	ASSERT_STR_EQ(err, "empty body");
	refuse(NULL, 0, err, sizeof(err));
	ASSERT_STR_EQ(err, "empty body");
	refuse(" \r\n", 3, err, sizeof(err));
	ASSERT_CONTAINS(err, "Start tag expected");
	refuse(html, strlen(html), NULL, 0);	/* no room for a reason */
}

TEST(truncated_xml_names_the_line)
{
	size_t	cut = strstr(RADICALE, "<d:getetag>") - RADICALE + 5;
	char	err[256];

	refuse(RADICALE, cut, err, sizeof(err));
	ASSERT_EQ(strncmp(err, "line ", 5), 0);
	ASSERT_TRUE(atoi(err + 5) >= 8);
	ASSERT_TRUE(strlen(err) > strlen("line 8: "));
}

TEST(a_response_without_href_is_refused_after_others)
{
	static const char body[] =
	    "<multistatus xmlns=\"DAV:\">"
	    "<response><href>/ok.ics</href><propstat><prop>"
	    "<getetag>\"1\"</getetag></prop><status>HTTP/1.1 200 OK</status>"
	    "</propstat></response>"
	    "<response><href>  </href><propstat><prop><getetag>\"2\"</getetag>"
	    "</prop><status>HTTP/1.1 200 OK</status></propstat></response>"
	    "<sync-token>tok</sync-token>"
	    "</multistatus>";
	char	err[256];

	refuse(body, strlen(body), err, sizeof(err));
	ASSERT_STR_EQ(err, "response without href");
}

TEST(the_length_not_the_nul_ends_the_body)
{
	struct dav_multistatus	ms;
	char			err[256];
	char			*two;

	two = malloc(2 * sizeof(RADICALE));
	ASSERT_TRUE(two != NULL);
	memcpy(two, RADICALE, sizeof(RADICALE) - 1);
	memcpy(two + sizeof(RADICALE) - 1, RADICALE, sizeof(RADICALE));
	ASSERT_EQ(dav_parse_multistatus(two, sizeof(RADICALE) - 1, &ms, err,
	    sizeof(err)), 0);
	ASSERT_EQ(ms.n, 1);
	dav_multistatus_free(&ms);
	free(two);
	dav_multistatus_free(NULL);
	dav_multistatus_free(&ms);		/* already empty */
}

TEST(libxml2_prints_nothing)
{
	static const char *const bad[] = {
	    "<d:multistatus xmlns:d=\"DAV:\"><d:response></d:multistatus>",
	    "<d:multistatus><x:y/></d:multistatus>",
	    "<?xml version=\"1.0\" encoding=\"no-such-charset\"?><a/>",
	    "<multistatus xmlns=\"DAV:\"><response><href>\xff\xfe</href>"
	    "</response></multistatus>",
	    "<multistatus xmlns=\"DAV:\">&undefined;</multistatus>",
	    "plain text",
	    LAUGHS,
	    XXE,
	};
	struct dav_sched_item	*v;
	FILE			*tmp;
	size_t			 i, n;
	char			 err[256];
	int			 saved;

	tmp = tmpfile();
	ASSERT_TRUE(tmp != NULL);
	fflush(stderr);
	saved = dup(2);
	ASSERT_TRUE(saved >= 0);
	ASSERT_TRUE(dup2(fileno(tmp), 2) == 2);
	for (i = 0; i < TANDEM_NELEM(bad); i++) {
		refuse(bad[i], strlen(bad[i]), err, sizeof(err));
		ASSERT_EQ(dav_parse_schedule_response(bad[i], strlen(bad[i]),
		    &v, &n, err, sizeof(err)), TANDEM_EPARSE);
	}
	fflush(stderr);
	ASSERT_TRUE(dup2(saved, 2) == 2);
	close(saved);
	ASSERT_EQ(fseek(tmp, 0, SEEK_END), 0);
	ASSERT_EQ(ftell(tmp), 0);
	fclose(tmp);
}

TEST(escape)
{
	char	*s;

	s = dav_xml_escape("a<b>&\"'");
	ASSERT_STR_EQ(s, "a&lt;b&gt;&amp;&quot;&apos;");
	free(s);
	s = dav_xml_escape("mailto:lena.vogel@corp.example");
	ASSERT_STR_EQ(s, "mailto:lena.vogel@corp.example");
	free(s);
	s = dav_xml_escape("");
	ASSERT_STR_EQ(s, "");
	free(s);
}

TT_MAIN(
	CASE(radicale_collection_propfind),
	CASE(prefixes_do_not_matter_only_namespaces),
	CASE(a_404_propstat_leaves_its_properties_without_value),
	CASE(calendar_data_in_cdata_is_taken_whole),
	CASE(calendar_data_with_character_references_keeps_crlf),
	CASE(sync_collection_deletions_and_token),
	CASE(radicale_free_busy_207_with_bare_hrefs),
	CASE(server_x_reports_without_wrappers),
	CASE(principal_discovery),
	CASE(schedule_response_with_two_recipients),
	CASE(schedule_response_errors_leave_nothing),
	CASE(doctypes_are_refused),
	CASE(what_is_not_a_multistatus_is_refused),
	CASE(truncated_xml_names_the_line),
	CASE(a_response_without_href_is_refused_after_others),
	CASE(the_length_not_the_nul_ends_the_body),
	CASE(libxml2_prints_nothing),
	CASE(escape)
)
