/*
 * Logging for the daemon (OpenBSD style).  Under -d, or on a terminal, lines
 * go to stderr; under systemd (JOURNAL_STREAM set) to stderr with <N>
 * priority prefixes, which journald reads; otherwise to syslog.
 */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <stdarg.h>

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

void log_init(int foreground, const char *ident);
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);	/* appends strerror(errno) */
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_setverbose(int v);
__attribute__((noreturn)) void fatal(const char *fmt, ...) LOG_PRINTF(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif
