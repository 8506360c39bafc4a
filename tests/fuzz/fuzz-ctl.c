/*
 * fuzz-ctl: the control protocol (lib/ctl.c and the commands behind it), as
 * tandemd's control socket hands a request line to tandem_engine_request():
 * what came before the first newline, at most 64 KiB (daemon/control.c,
 * CONTROL_REQUEST_MAX).  The engine is fuzz-engine.c's, its rows put back
 * before each request.  Promises checked besides the sanitizers: every
 * request gets one reply, on one line, a JSON object with an "exit" of 0,
 * 64, 65 or 70 and strings "out" and "err".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "tandem/ctl.h"

#define REQUEST_MAX	(64 * 1024)

static void
check_reply(const char *reply)
{
	json_object	*o, *v;
	int		 ex;

	FUZZ_CHECK(strchr(reply, '\n') == NULL, "a reply of several lines: %.200s",
	    reply);
	o = json_tokener_parse(reply);
	FUZZ_CHECK(o != NULL && json_object_is_type(o, json_type_object),
	    "the reply is not a JSON object: %.200s", reply);
	FUZZ_CHECK(json_object_object_get_ex(o, "exit", &v) &&
	    json_object_is_type(v, json_type_int), "no \"exit\": %.200s", reply);
	ex = json_object_get_int(v);
	FUZZ_CHECK(ex == 0 || ex == 64 || ex == 65 || ex == 70, "exit %d", ex);
	FUZZ_CHECK(json_object_object_get_ex(o, "out", &v) &&
	    json_object_is_type(v, json_type_string), "no \"out\": %.200s", reply);
	FUZZ_CHECK(json_object_object_get_ex(o, "err", &v) &&
	    json_object_is_type(v, json_type_string), "no \"err\": %.200s", reply);
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*nl = memchr(data, '\n', size);
	char		*line, *reply = NULL;
	int		 rc;

	if (nl != NULL)
		size = (size_t)(nl - data);
	if (size > REQUEST_MAX)
		return 0;	/* the daemon answers "too long" itself */
	line = fuzz_cstr(data, size);
	fuzz_engine_reset();
	rc = tandem_engine_request(fuzz_engine(), line, fuzz_engine_now(), &reply);
	FUZZ_CHECK(rc == 0 || rc == TANDEM_ENOMEM, "tandem_engine_request: %d", rc);
	FUZZ_CHECK(rc != 0 || reply != NULL, "0 and no reply");
	if (reply != NULL)
		check_reply(reply);
	free(reply);
	free(line);
	fuzz_input_done();
	return 0;
}
