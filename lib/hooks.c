/*
 * hooks: one hook run as a small state machine on the loop: the process,
 * its stdin (the JSON, then closed), its output pipe, and a timer.  The run
 * ends when the process has exited and the output pipe is closed; then the
 * handles are closed and done is called from the last close callback.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tandem-int.h"
#include "hooks.h"

struct run {
	uv_process_t	 proc;
	uv_pipe_t	 in;
	uv_pipe_t	 out;
	uv_timer_t	 timer;
	uv_write_t	 wr;
	uv_idle_t	 idle;		/* reports a spawn failure from the loop */
	hook_done_fn	 done;
	void		*ud;
	struct hook_result res;
	char		*buf;
	size_t		 len;
	char		*input;		/* written to stdin, then closed */
	size_t		 input_len;
	char		*argv[PROC_MAX_ARGS + 1];
	char		*env[PROC_MAX_ENV + 1];
	int		 exited, out_closed, open_handles;
	int		 proc_init;	/* uv_spawn() initialised proc */
};

static void
run_free(struct run *r)
{
	size_t	i;

	for (i = 0; i < TANDEM_NELEM(r->env); i++)
		free(r->env[i]);
	for (i = 0; i < TANDEM_NELEM(r->argv); i++)
		free(r->argv[i]);
	free(r->buf);
	free(r->input);
	free(r);
}

static void
finish(struct run *r)
{
	r->res.output = r->buf != NULL ? r->buf : "";
	r->res.output_len = r->len;
	r->done(r->ud, &r->res);
	run_free(r);
}

static void
on_close(uv_handle_t *h)
{
	struct run	*r = h->data;

	if (--r->open_handles == 0)
		finish(r);
}

static void
close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, on_close);
}

static void
maybe_end(struct run *r)
{
	if (!r->exited || !r->out_closed)
		return;
	uv_timer_stop(&r->timer);
	close_handle((uv_handle_t *)&r->timer);
	close_handle((uv_handle_t *)&r->proc);
	close_handle((uv_handle_t *)&r->in);
	close_handle((uv_handle_t *)&r->out);
}

static void
on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
	struct run	*r = p->data;

	r->res.exit_status = status;
	r->res.term_signal = sig;
	r->exited = 1;
	maybe_end(r);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	static char	spill[4096];
	struct run	*r = h->data;

	(void)hint;
	if (r->buf == NULL && (r->buf = malloc(HOOK_OUTPUT_CAP + 1)) != NULL)
		r->buf[0] = '\0';
	if (r->buf == NULL || r->len >= HOOK_OUTPUT_CAP) {
		*b = uv_buf_init(spill, sizeof(spill));	/* read and drop */
		return;
	}
	*b = uv_buf_init(r->buf + r->len, (unsigned)(HOOK_OUTPUT_CAP - r->len));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct run	*r = s->data;

	if (n > 0 && r->buf != NULL && b->base == r->buf + r->len) {
		r->len += (size_t)n;
		r->buf[r->len] = '\0';
	}
	if (n < 0) {
		uv_read_stop(s);
		r->out_closed = 1;
		maybe_end(r);
	}
}

/* Too slow: the whole process group goes, grandchildren included. */
static void
on_timeout(uv_timer_t *t)
{
	struct run	*r = t->data;

	r->res.timed_out = 1;
	(void)uv_kill(-r->proc.pid, SIGKILL);
}

static void
on_written(uv_write_t *w, int status)
{
	struct run	*r = w->data;

	(void)status;		/* a hook that ignores stdin may close it */
	close_handle((uv_handle_t *)&r->in);
}

/* One loop turn after a failed spawn: done is never called from hook_run. */
static void
on_spawn_failed(uv_idle_t *i)
{
	uv_idle_stop(i);
	uv_close((uv_handle_t *)i, on_close);
}

static int
environment(char **env, const struct hook_event *ev)
{
	int	n = 0, bad = 0;

	bad |= asprintf(&env[n++], "PATH=/usr/local/bin:/usr/bin:/bin") < 0;
	bad |= asprintf(&env[n++], "TANDEM_EVENT=%s", ev->event) < 0;
	bad |= asprintf(&env[n++], "TANDEM_PROGRAM=%s", ev->program) < 0;
	bad |= asprintf(&env[n++], "TANDEM_PAIR=%s/%s", ev->mentor, ev->mentee) < 0;
	bad |= asprintf(&env[n++], "TANDEM_MENTOR=%s", ev->mentor) < 0;
	bad |= asprintf(&env[n++], "TANDEM_MENTEE=%s", ev->mentee) < 0;
	bad |= asprintf(&env[n++], "TANDEM_SESSION=%u", ev->session) < 0;
	bad |= asprintf(&env[n++], "TANDEM_EVENT_ID=%s",
	    ev->id != NULL ? ev->id : "") < 0;
	/* TANDEM_START is added by hook_run (it needs formatting). */
	return bad ? TANDEM_ENOMEM : 0;
}

static int
start_var(char **out, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[32] = "";

	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return asprintf(out, "TANDEM_START=%s", buf) < 0 ? TANDEM_ENOMEM : 0;
}

/*
 * Start the process: stdin a pipe we write the JSON into, stdout and stderr
 * one pipe we read (both into the same fd of ours, so their order holds).
 * On failure the handles it initialised are counted in open_handles.
 */
static int
spawn(uv_loop_t *loop, struct run *r)
{
	uv_process_options_t	 o;
	uv_stdio_container_t	 io[3];
	uv_file			 fds[2];
	uv_buf_t		 b;
	int			 rc;

	memset(&o, 0, sizeof(o));
	o.file = r->argv[0];
	o.args = r->argv;
	o.env = r->env;
	o.exit_cb = on_exit_cb;
	o.flags = UV_PROCESS_DETACHED;	/* its own process group */
	uv_pipe_init(loop, &r->in, 0);
	uv_pipe_init(loop, &r->out, 0);
	r->in.data = r->out.data = r->proc.data = r;
	r->open_handles += 2;
	rc = uv_pipe(fds, 0, 0);
	if (rc < 0)
		return rc;
	uv_pipe_open(&r->out, fds[0]);
	io[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
	io[0].data.stream = (uv_stream_t *)&r->in;
	io[1].flags = UV_INHERIT_FD;
	io[1].data.fd = fds[1];
	io[2].flags = UV_INHERIT_FD;
	io[2].data.fd = fds[1];
	o.stdio = io;
	o.stdio_count = 3;
	rc = uv_spawn(loop, &r->proc, &o);
	close(fds[1]);		/* the child has its copies */
	r->open_handles++;		/* the process handle, spawned or not */
	r->proc_init = 1;
	if (rc < 0)
		return rc;
	r->res.spawned = 1;
	uv_read_start((uv_stream_t *)&r->out, on_alloc, on_read);
	b = uv_buf_init(r->input, (unsigned)r->input_len);
	r->wr.data = r;
	if (uv_write(&r->wr, (uv_stream_t *)&r->in, &b, 1, on_written) < 0)
		close_handle((uv_handle_t *)&r->in);
	return 0;
}

/* Copy a NULL-terminated list of at most max strings into out. */
static int
copy_list(char **out, size_t max, const char *const *in)
{
	size_t	i;

	for (i = 0; in != NULL && in[i] != NULL; i++) {
		if (i == max)
			return TANDEM_EINVAL;
		if ((out[i] = util_strdup(in[i])) == NULL)
			return TANDEM_ENOMEM;
	}
	return 0;
}

/* Start r (argv, env and input set); on failure report from the loop. */
static void
launch(uv_loop_t *loop, struct run *r, uint64_t timeout_ms)
{
	int	rc;

	rc = spawn(loop, r);
	if (rc < 0) {
		r->res.error = rc;
		/* Close what spawn() opened; report from the loop, not from here. */
		uv_idle_init(loop, &r->idle);
		r->idle.data = r;
		r->open_handles++;
		close_handle((uv_handle_t *)&r->in);
		close_handle((uv_handle_t *)&r->out);
		if (r->proc_init)
			close_handle((uv_handle_t *)&r->proc);
		uv_idle_start(&r->idle, on_spawn_failed);
		return;
	}
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	r->open_handles++;
	uv_timer_start(&r->timer, on_timeout, timeout_ms, 0);
}

int
proc_run(uv_loop_t *loop, const char *const *argv, const char *const *env,
    const char *input, size_t input_len, uint64_t timeout_ms,
    hook_done_fn done, void *ud)
{
	struct run	*r;
	int		 rc;

	if (tandem_fails_assert(loop != NULL && argv != NULL &&
	    argv[0] != NULL && done != NULL))
		return TANDEM_EINVAL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return TANDEM_ENOMEM;
	r->done = done;
	r->ud = ud;
	r->input_len = input != NULL ? input_len : 0;
	r->input = util_strndup(input != NULL ? input : "", r->input_len);
	rc = r->input == NULL ? TANDEM_ENOMEM :
	    copy_list(r->argv, PROC_MAX_ARGS, argv);
	if (rc == 0)
		rc = copy_list(r->env, PROC_MAX_ENV, env);
	if (rc < 0) {
		run_free(r);
		return rc;
	}
	launch(loop, r, timeout_ms);
	return 0;
}

int
hook_run(uv_loop_t *loop, const char *path, const struct hook_event *ev,
    uint64_t timeout_ms, hook_done_fn done, void *ud)
{
	const char	*argv[3];
	char		*env[PROC_MAX_ENV + 1] = { NULL };
	size_t		 i;
	int		 rc;

	if (tandem_fails_assert(path != NULL && ev != NULL && ev->event != NULL))
		return TANDEM_EINVAL;
	argv[0] = path;
	argv[1] = ev->event;
	argv[2] = NULL;
	rc = environment(env, ev);
	if (rc == 0)
		rc = start_var(&env[8], ev->start);
	if (rc == 0) {
		const char *json = ev->json != NULL ? ev->json : "{}";

		rc = proc_run(loop, argv, (const char *const *)env, json,
		    strlen(json), timeout_ms, done, ud);
	}
	for (i = 0; i < TANDEM_NELEM(env); i++)
		free(env[i]);
	return rc;
}
