/*
 * control: the control socket on the daemon's loop (see control.h).  Each
 * connection reads until its first newline (or end of file), at most
 * CONTROL_REQUEST_MAX bytes, then stops reading, writes the reply and a
 * newline, and is closed once the write is done.  A longer request gets an
 * error reply, and the rest of it is read and dropped until the client is
 * done: closing with unread data would reset the connection, and the
 * client would not see the reply.  Answers are computed synchronously: a request reads or
 * changes a few rows of SQLite, and a pass of the engine that it asks for
 * runs later, on the loop.  Connections sit on a list so that
 * control_close() can close them; their memory, and the control's, is
 * released in the close callbacks only.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <uv.h>

#include <tandem/ctl.h>

#include "control.h"
#include "log.h"

#define EX_USAGE	64

struct conn {
	uv_pipe_t	 pipe;
	uv_write_t	 write;
	uv_shutdown_t	 shutdown;
	struct control	*ctl;
	struct conn	*next;
	struct conn	**prevp;	/* the pointer that points here */
	char		*buf;		/* the request read so far, NUL-terminated */
	size_t		 len;
	char		*reply;
	int		 draining;	/* too long: what comes is dropped */
	int		 closing;
};

struct control {
	uv_pipe_t		 listener;
	struct tandem_engine	*engine;
	control_reload_fn	 reload;
	void			*ud;
	char			*path;		/* for the unlink at close */
	struct conn		*conns;
	int			 handles;	/* open: listener + connections */
	int			 closing;
};

static void
release(struct control *ctl)
{
	if (--ctl->handles > 0)
		return;
	free(ctl->path);
	free(ctl);
}

static void
conn_closed(uv_handle_t *h)
{
	struct conn	*conn = h->data;

	if (conn->next != NULL)
		conn->next->prevp = conn->prevp;
	*conn->prevp = conn->next;
	release(conn->ctl);
	free(conn->buf);
	free(conn->reply);
	free(conn);
}

static void
conn_close(struct conn *conn)
{
	if (conn->closing)
		return;
	conn->closing = 1;
	uv_close((uv_handle_t *)&conn->pipe, conn_closed);
}

static void
shut(uv_shutdown_t *req, int status)
{
	if (status < 0)
		conn_close(req->data);
}

static void
written(uv_write_t *req, int status)
{
	struct conn	*conn = req->data;

	if (status < 0 && status != UV_ECANCELED)
		log_debug("control: writing a reply: %s", uv_strerror(status));
	conn->shutdown.data = conn;
	/* A draining connection is closed by on_read, at the client's EOF. */
	if (status < 0 || !conn->draining || uv_shutdown(&conn->shutdown,
	    (uv_stream_t *)&conn->pipe, shut) < 0)
		conn_close(conn);
}

/* Send reply (owned from here on), then close; NULL (out of memory): close. */
static void
send_reply(struct conn *conn, char *reply)
{
	static char	nl[] = "\n";
	uv_buf_t	bufs[2];
	int		rc;

	conn->reply = reply;
	if (reply == NULL) {
		log_warnx("control: out of memory answering a request");
		conn_close(conn);
		return;
	}
	bufs[0] = uv_buf_init(reply, (unsigned)strlen(reply));
	bufs[1] = uv_buf_init(nl, 1);
	conn->write.data = conn;
	rc = uv_write(&conn->write, (uv_stream_t *)&conn->pipe, bufs, 2, written);
	if (rc < 0) {
		log_debug("control: writing a reply: %s", uv_strerror(rc));
		conn_close(conn);
	}
}

/* The daemon's reload, its words made into a reply. */
static char *
reload(struct control *ctl)
{
	char	*out = NULL, *err = NULL, *reply = NULL;
	size_t	 outlen = 0, errlen = 0;
	FILE	*fo = open_memstream(&out, &outlen);
	FILE	*fe = open_memstream(&err, &errlen);
	int	 ex = 0;

	log_info("control: reload requested");
	if (fo != NULL && fe != NULL)
		ex = ctl->reload(ctl->ud, fo, fe);
	if (fo != NULL)
		fclose(fo);
	if (fe != NULL)
		fclose(fe);
	if (fo != NULL && fe != NULL)
		(void)tandem_ctl_reply(ex, out, err, &reply);
	free(out);
	free(err);
	return reply;
}

static int
is_reload(const char *line)
{
	json_object	*req = json_tokener_parse(line), *cmd;
	int		 yes;

	yes = json_object_object_get_ex(req, "cmd", &cmd) &&
	    json_object_is_type(cmd, json_type_string) &&
	    strcmp(json_object_get_string(cmd), "reload") == 0;
	json_object_put(req);
	return yes;
}

static void
answer(struct conn *conn)
{
	char	*reply = NULL;

	uv_read_stop((uv_stream_t *)&conn->pipe);
	if (is_reload(conn->buf))
		reply = reload(conn->ctl);
	else
		(void)tandem_engine_request(conn->ctl->engine, conn->buf,
		    (int64_t)time(NULL), &reply);
	send_reply(conn, reply);
}

static void
too_long(struct conn *conn)
{
	char	*reply = NULL, err[80];

	conn->draining = 1;
	conn->len = 0;
	snprintf(err, sizeof(err), "request: longer than %d bytes\n",
	    CONTROL_REQUEST_MAX);
	(void)tandem_ctl_reply(EX_USAGE, "", err, &reply);
	send_reply(conn, reply);
}

/* Room for the rest of the request, and a byte more to tell it is too long. */
static void
alloc_buf(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn	*conn = h->data;

	if (conn->buf == NULL)
		conn->buf = malloc(CONTROL_REQUEST_MAX + 2);
	if (conn->buf == NULL) {
		*buf = uv_buf_init(NULL, 0);	/* read_cb gets UV_ENOBUFS */
		return;
	}
	*buf = uv_buf_init(conn->buf + conn->len,
	    (unsigned)(CONTROL_REQUEST_MAX + 1 - conn->len));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn	*conn = s->data;
	char		*nl;

	if (conn->draining) {
		if (n < 0)
			conn_close(conn);
		return;
	}
	if (n == UV_EOF && conn->len > 0) {
		conn->buf[conn->len] = '\0';
		answer(conn);
		return;
	}
	if (n < 0) {
		conn_close(conn);
		return;
	}
	nl = memchr(conn->buf + conn->len, '\n', (size_t)n);
	conn->len += (size_t)n;
	if (nl != NULL) {
		*nl = '\0';
		answer(conn);
	} else if (conn->len > CONTROL_REQUEST_MAX)
		too_long(conn);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct control	*ctl = server->data;
	struct conn	*conn;
	int		 rc;

	if (status < 0) {
		log_warnx("control: %s", uv_strerror(status));
		return;
	}
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL)
		fatalx("out of memory");
	uv_pipe_init(server->loop, &conn->pipe, 0);
	conn->pipe.data = conn;
	conn->ctl = ctl;
	conn->next = ctl->conns;
	if (conn->next != NULL)
		conn->next->prevp = &conn->next;
	conn->prevp = &ctl->conns;
	ctl->conns = conn;
	ctl->handles++;
	rc = uv_accept(server, (uv_stream_t *)&conn->pipe);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&conn->pipe, alloc_buf, on_read);
	if (rc < 0) {
		log_warnx("control: accepting a connection: %s", uv_strerror(rc));
		conn_close(conn);
	}
}

/*
 * Remove what a dead daemon left at path; fatal when a daemon answers
 * there, or when path is something else than a socket.
 */
static void
clear_stale(const char *path)
{
	struct sockaddr_un	sun;
	struct stat		st;
	int			fd, rc, saved;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return;
		fatal("%s", path);
	}
	if (!S_ISSOCK(st.st_mode))
		fatalx("%s: exists and is not a socket", path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);	/* length checked */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket");
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	saved = errno;
	close(fd);
	if (rc == 0)
		fatalx("another tandemd is running on %s", path);
	if (saved != ECONNREFUSED) {
		errno = saved;
		fatal("%s: cannot tell whether a tandemd runs there", path);
	}
	if (unlink(path) < 0 && errno != ENOENT)
		fatal("%s: cannot remove the stale socket", path);
	log_info("%s: removed a stale socket", path);
}

/* The socket's folder, when missing (one level), as for the state file. */
static void
make_dir(const char *path)
{
	char	*dir = strdup(path), *slash;

	if (dir == NULL)
		fatalx("out of memory");
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) < 0 && errno != EEXIST)
			fatal("%s: cannot create the socket's folder", dir);
	}
	free(dir);
}

struct control *
control_open(uv_loop_t *loop, const char *path, struct tandem_engine *engine,
    control_reload_fn reload_fn, void *ud)
{
	struct sockaddr_un	 sun;
	struct control		*ctl;
	mode_t			 mask;
	int			 rc;

	if (strlen(path) >= sizeof(sun.sun_path))
		fatalx("%s: the socket path is longer than %zu bytes", path,
		    sizeof(sun.sun_path) - 1);
	make_dir(path);
	clear_stale(path);
	ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL || (ctl->path = strdup(path)) == NULL)
		fatalx("out of memory");
	ctl->engine = engine;
	ctl->reload = reload_fn;
	ctl->ud = ud;
	uv_pipe_init(loop, &ctl->listener, 0);
	ctl->listener.data = ctl;
	ctl->handles = 1;
	/* Created 0660 from the start: no moment where others may connect. */
	mask = umask(0117);
	rc = uv_pipe_bind(&ctl->listener, path);
	umask(mask);
	if (rc == 0 && chmod(path, 0660) < 0)
		rc = -errno;
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&ctl->listener, 16, on_connection);
	if (rc < 0)
		fatalx("%s: cannot listen: %s", path, uv_strerror(rc));
	log_info("control socket %s", path);
	return ctl;
}

static void
listener_closed(uv_handle_t *h)
{
	release(h->data);
}

void
control_close(struct control *ctl)
{
	struct conn	*conn;

	if (ctl == NULL || ctl->closing)
		return;
	ctl->closing = 1;
	if (unlink(ctl->path) < 0 && errno != ENOENT)
		log_warn("%s", ctl->path);
	uv_close((uv_handle_t *)&ctl->listener, listener_closed);
	for (conn = ctl->conns; conn != NULL; conn = conn->next)
		conn_close(conn);
}
