/*
 * fuzz-freebusy: the VFREEBUSY a CalDAV server answers a free-busy-query
 * REPORT with (lib/freebusy.c freebusy_from_report()): the body with its
 * length and no NUL, as http.c hands it over, of type text/calendar.
 * Promises checked besides the sanitizers: unknown is not free, so an error
 * leaves no busy time behind, and says why; what is busy lies inside the
 * window asked, each interval non-empty.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tandem-int.h"
#include "freebusy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct busy_set	out = { NULL, 0, 0 };
	int64_t		from = (int64_t)civil_days(2027, 3, 1) * 86400;
	int64_t		to = from + 42 * 86400;
	char		why[256];
	size_t		i;
	int		rc;

	why[0] = '\0';
	rc = freebusy_from_report((const char *)data, size,
	    "text/calendar; charset=utf-8", from, to, &out, why, sizeof(why));
	FUZZ_CHECK(rc == 0 || rc == TANDEM_EPARSE || rc == TANDEM_ERANGE ||
	    rc == TANDEM_ENOMEM, "freebusy_from_report: %d", rc);
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
	fuzz_input_done();
	return 0;
}
