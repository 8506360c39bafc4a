/*
 * The control protocol: what tandemctl asks a running tandemd, and how the
 * engine answers.  A request is one JSON object on one line, e.g.
 *
 *   {"cmd": "sessions", "args": ["lena@x", "marc@x"], "program": null,
 *    "json": false, "csv": false}
 *
 * and its reply one JSON object on one line:
 *
 *   {"exit": 0, "out": "...", "err": "..."}
 *
 * out is what tandemctl prints on standard output, err (lines without a
 * program name) on standard error, exit its exit status after sysexits(3):
 * 0, 64 a usage error, 65 no such program, pair or session (or a session in
 * a state the command cannot change), 70 an internal error.
 *
 * Glossary
 *   cmd       status, pairs, sessions, checkin, skip, reschedule, pause,
 *             resume, export, report (see tandemctl(1)); "reload" is the
 *             daemon's, not the engine's
 *   args      the command's operands: MENTOR MENTEE [INDEX], e-mail
 *             addresses compared without regard to case
 *   program   names the program of a pair that is in several; null: any
 *   json/csv  the output of a read command as JSON (or CSV for report)
 */
#ifndef TANDEM_CTL_H
#define TANDEM_CTL_H

#include <stddef.h>
#include <stdint.h>

#include <tandem/tandem.h>
#include <tandem/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Answer request at the clock now.  The store is read or changed at once;
 * a command that changes it asks the engine for a pass
 * (tandem_engine_kick()), which acts on it.  A request that cannot be
 * answered (bad JSON, an unknown command, no such pair) still gets a reply
 * saying so.  *reply is one line of JSON without a newline; the caller
 * frees it with free().  0, or TANDEM_ENOMEM (then *reply is NULL).
 */
TANDEM_EXTERN int tandem_engine_request(struct tandem_engine *e,
    const char *request, int64_t now, char **reply);

/*
 * A reply of the protocol, for a host that answers a request itself (the
 * daemon answers "reload"): *reply as tandem_engine_request() makes it.
 * 0 or TANDEM_ENOMEM.
 */
TANDEM_EXTERN int tandem_ctl_reply(int exit, const char *out, const char *err,
    char **reply);

/*
 * The path of the control socket as the configuration at config names it
 * ([daemon] socket, relative to the file's folder, or the default).  Only
 * that key is read: a configuration with errors elsewhere still gives it,
 * so that tandemctl can reach a daemon that runs an older, valid one.
 * *path is freed with free().  0, TANDEM_ENOMEM, or why the file cannot
 * be read (a negated errno: TANDEM_ENOENT, -EACCES, ...).
 */
TANDEM_EXTERN int tandem_ctl_socket_path(const char *config, char **path);

/*
 * The request line (with its newline; freed with free()) that hands an
 * attendee's e-mail to the daemon: msg (len bytes, RFC 5322, as an MTA
 * pipes it to tandemctl ingest-mail) must carry an iCalendar REPLY,
 * COUNTER or REFRESH (text/calendar, or an application/ics attachment).
 * sender is the envelope sender the MTA handed over ("" for the null
 * sender of a bounce, "<a@b>" taken as a@b), or NULL when it handed over
 * none; the request carries it with the message's From address and
 * Authentication-Results, and the daemon decides whether the message may
 * speak for the attendee it names.
 * 0, TANDEM_EPARSE (not such a message: why in diag) or TANDEM_ENOMEM.
 */
TANDEM_EXTERN int tandem_ctl_ingest_request_sender(const char *msg, size_t len,
    const char *sender, char **request, struct tandem_diag *diag);
/* The same, no envelope sender handed over (sender NULL). */
TANDEM_EXTERN int tandem_ctl_ingest_request(const char *msg, size_t len,
    char **request, struct tandem_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
