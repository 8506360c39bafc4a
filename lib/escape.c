/*
 * escape: strings from outside made safe to log (see tandem_escape() in
 * tandem.h).  Calendars, servers and e-mails put text into tandem's
 * messages; a newline in a UID would otherwise forge a log line, an ESC
 * would colour the operator's terminal.
 */
#include <stdio.h>
#include <string.h>

#include "tandem-int.h"

/* Append n bytes of s to buf if they fit whole; count them either way. */
static void
put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (size > 0 && *len + n < size)
		memcpy(buf + *len, s, n);
	*len += n;
}

size_t
tandem_escape(const char *text, char *buf, size_t size)
{
	const unsigned char	*p = (const unsigned char *)(text != NULL ? text : "");
	size_t			 len = 0, cut;
	char			 hex[9];

	for (; *p != '\0'; p++) {
		cut = len;
		if (*p == '\n')
			put(buf, size, &len, "\\n", 2);
		else if (*p == '\r')
			put(buf, size, &len, "\\r", 2);
		else if (*p == '\t')
			put(buf, size, &len, "\\t", 2);
		else if (*p == '\\')
			put(buf, size, &len, "\\\\", 2);
		else if (*p < 0x20 || *p == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", *p);
			put(buf, size, &len, hex, 4);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			snprintf(hex, sizeof(hex), "\\xc2\\x%02x", p[1]);
			put(buf, size, &len, hex, 8);
			p++;
		} else
			put(buf, size, &len, (const char *)p, 1);
		if (size > 0 && len >= size && cut < size)
			buf[cut] = '\0';	/* never half an escape */
	}
	if (size > 0 && len < size)
		buf[len] = '\0';
	return len;
}
