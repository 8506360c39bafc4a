/*
 * control: tandemd's control socket, the Unix socket at [daemon] socket
 * where tandemctl sends one request line and reads one reply line (the
 * protocol is in include/tandem/ctl.h).  A request is answered at once, on
 * the loop: "reload" by the daemon's own function, everything else by the
 * engine.
 */
#ifndef TANDEM_CONTROL_H
#define TANDEM_CONTROL_H

#include <stdio.h>

#include <uv.h>

#include <tandem/engine.h>

/* The longest request line, in bytes. */
#define CONTROL_REQUEST_MAX	(64 * 1024)

struct control;

/*
 * The daemon's reload: what it says goes to out and err (lines without a
 * program name); returns the exit status for tandemctl (0, or 78 when the
 * configuration was rejected).
 */
typedef int (*control_reload_fn)(void *ud, FILE *out, FILE *err);

/*
 * Listen at path on loop, the socket file mode 0660.  A socket file left
 * there by a daemon that died is replaced; a live one (a connection to it
 * succeeds), or any other error, is fatal.  engine is borrowed and must
 * outlive the control.
 */
struct control *control_open(uv_loop_t *loop, const char *path,
    struct tandem_engine *engine, control_reload_fn reload, void *ud);

/*
 * Stop: the socket file is removed, the listener and every connection
 * closed; the memory goes in the last close callback.  NULL is a no-op.
 */
void control_close(struct control *ctl);

#endif
