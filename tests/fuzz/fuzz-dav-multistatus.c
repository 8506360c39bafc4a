/*
 * fuzz-dav-multistatus: a WebDAV 207 Multi-Status body (lib/dav_xml.c), as
 * every CalDAV server answers PROPFIND and REPORT.  The body is handed over
 * with its length and no NUL, as http.c does.  Promises checked besides the
 * sanitizers: an error leaves nothing behind and says why; a parsed
 * response always has its href.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "dav_xml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dav_multistatus	ms;
	char			err[256];
	size_t			i, k;
	int			rc;

	memset(&ms, 0, sizeof(ms));
	err[0] = '\0';
	rc = dav_parse_multistatus((const char *)data, size, &ms, err,
	    sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == TANDEM_EPARSE || rc == TANDEM_ENOMEM,
	    "dav_parse_multistatus: %d", rc);
	if (rc != 0) {
		FUZZ_CHECK(ms.n == 0 && ms.v == NULL && ms.sync_token == NULL,
		    "error %d leaves %zu responses", rc, ms.n);
		FUZZ_CHECK(rc == TANDEM_ENOMEM || err[0] != '\0',
		    "refused without a reason");
	}
	for (i = 0; i < ms.n; i++) {
		FUZZ_CHECK(ms.v[i].href != NULL, "response %zu without href", i);
		for (k = 0; k < DAV_P__COUNT; k++)
			if (ms.v[i].prop[k] != NULL)
				(void)strlen(ms.v[i].prop[k]);
		for (k = 0; k < ms.v[i].naddresses; k++)
			(void)strlen(ms.v[i].addresses[k]);
	}
	dav_multistatus_free(&ms);
	fuzz_input_done();
	return 0;
}
