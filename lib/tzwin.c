/*
 * tzwin: Windows zone names to IANA zones (see tzwin.h).  The only file that
 * includes ICU.  ICU keeps CLDR's windowsZones table; the territory "001"
 * row of each Windows zone is its golden zone (W. Europe Standard Time is
 * Europe/Berlin), which has the same rules as every other row of it.
 */
#include <ctype.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "tandem-int.h"
#include "tzwin.h"

#define NAME_MAX_LEN	128	/* longer than any Windows zone name */

/* The name without quotes and blanks around it, in buf; 0 if it will not do. */
static int
bare(const char *name, char *buf, size_t size)
{
	size_t	n;

	while (*name == ' ' || *name == '\t' || *name == '"')
		name++;
	n = strlen(name);
	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t' ||
	    name[n - 1] == '"'))
		n--;
	if (n == 0 || n >= size)
		return 0;
	memcpy(buf, name, n);
	buf[n] = '\0';
	for (; n > 0; n--)		/* ICU's invariant characters only */
		if ((unsigned char)buf[n - 1] >= 0x80 ||
		    !(isalnum((unsigned char)buf[n - 1]) ||
		    strchr(" .-+()&/_'", buf[n - 1]) != NULL))
			return 0;
	return 1;
}

icaltimezone *
tzwin_zone(const char *name)
{
	UChar		 win[NAME_MAX_LEN], id[NAME_MAX_LEN];
	char		 buf[NAME_MAX_LEN], iana[NAME_MAX_LEN];
	UErrorCode	 err = U_ZERO_ERROR;
	int32_t		 n;

	if (name == NULL || !bare(name, buf, sizeof(buf)))
		return NULL;
	u_uastrncpy(win, buf, NAME_MAX_LEN);
	n = ucal_getTimeZoneIDForWindowsID(win, -1, NULL, id, NAME_MAX_LEN,
	    &err);
	if (U_FAILURE(err) || n <= 0 || n >= NAME_MAX_LEN)
		return NULL;
	id[n] = 0;
	u_austrncpy(iana, id, sizeof(iana) - 1);
	iana[sizeof(iana) - 1] = '\0';
	return icaltimezone_get_builtin_timezone(iana);
}
