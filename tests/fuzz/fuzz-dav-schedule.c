/*
 * fuzz-dav-schedule: the answer of a CalDAV schedule-outbox POST, from the
 * caldav:schedule-response XML (lib/dav_xml.c) down to each recipient's
 * VFREEBUSY (lib/freebusy.c freebusy_from_schedule()), as caldav_fb.c reads
 * it.  Promises checked besides the sanitizers: an error leaves nothing
 * behind and says why; the busy time of a recipient lies inside the window
 * asked, each interval non-empty.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tandem-int.h"
#include "dav_xml.h"
#include "freebusy.h"

static void
recipient(const struct dav_sched_item *v, size_t n, const char *who)
{
	struct busy_set	out = { NULL, 0, 0 };
	int64_t		from = (int64_t)civil_days(2027, 3, 1) * 86400;
	int64_t		to = from + 42 * 86400;
	char		why[256];
	size_t		i;
	int		rc;

	why[0] = '\0';
	rc = freebusy_from_schedule(v, n, who, from, to, &out, why, sizeof(why));
	FUZZ_CHECK(rc == 0 || rc == TANDEM_ENOENT || rc == TANDEM_EIO ||
	    rc == TANDEM_EPARSE || rc == TANDEM_ERANGE || rc == TANDEM_ENOMEM,
	    "freebusy_from_schedule: %d", rc);
	if (rc != 0) {
		FUZZ_CHECK(out.n == 0, "error %d leaves %zu intervals", rc, out.n);
		FUZZ_CHECK(rc == TANDEM_ENOMEM || why[0] != '\0',
		    "error %d without a reason", rc);
	}
	for (i = 0; i < out.n; i++)
		FUZZ_CHECK(out.v[i].start < out.v[i].end &&
		    out.v[i].start >= from && out.v[i].end <= to,
		    "interval %zu [%lld, %lld) empty or outside the window", i,
		    (long long)out.v[i].start, (long long)out.v[i].end);
	busy_set_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dav_sched_item	*v = NULL;
	size_t			 n = 0, i;
	char			 err[256];
	int			 rc;

	err[0] = '\0';
	rc = dav_parse_schedule_response((const char *)data, size, &v, &n, err,
	    sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == TANDEM_EPARSE || rc == TANDEM_ENOMEM,
	    "dav_parse_schedule_response: %d", rc);
	if (rc != 0) {
		FUZZ_CHECK(v == NULL && n == 0, "error %d leaves %zu items", rc, n);
		FUZZ_CHECK(rc == TANDEM_ENOMEM || err[0] != '\0',
		    "refused without a reason");
		return 0;
	}
	for (i = 0; i < n && i < 4; i++)
		if (v[i].recipient != NULL)
			recipient(v, n, v[i].recipient);
	recipient(v, n, "mailto:lena.vogel@corp.example");
	dav_sched_items_free(v, n);
	fuzz_input_done();
	return 0;
}
