/*
 * The daemon's log.  Globals are allowed here: there is one log per process.
 * errno is preserved across every call so that a caller can log and then
 * still inspect it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "tandem/tandem.h"
#include "log.h"

enum sink { SINK_STDERR, SINK_JOURNAL, SINK_SYSLOG };

static enum sink	 sink = SINK_STDERR;
static int		 verbose;
static const char	*ident = "tandemd";

void
log_init(int foreground, const char *name)
{
	ident = name;
	if (foreground || isatty(STDERR_FILENO))
		sink = SINK_STDERR;
	else if (getenv("JOURNAL_STREAM") != NULL)
		sink = SINK_JOURNAL;
	else {
		sink = SINK_SYSLOG;
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

void
log_setverbose(int v)
{
	verbose = v;
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	raw[2048], msg[4096];
	int	saved = errno;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	/* Names, UIDs and server messages come from outside: one line each. */
	tandem_escape(raw, msg, sizeof(msg));
	switch (sink) {
	case SINK_STDERR:
		fprintf(stderr, "%s: %s%s%s\n", ident, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		break;
	case SINK_JOURNAL:
		fprintf(stderr, "<%d>%s%s%s\n", pri, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		break;
	case SINK_SYSLOG:
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "", suffix ? suffix : "");
		break;
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
