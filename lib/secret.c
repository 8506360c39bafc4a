/*
 * Secret files.  The checks are made on the open descriptor (fstat), not on
 * the name, so that the file read is the file checked.  It is opened
 * non-blocking so that a FIFO put where a password file should be is refused
 * instead of hanging the daemon.  Buffers that held a secret are overwritten
 * before they are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tandem-int.h"
#include "secret.h"

static void
wipe_free(char *buf, size_t size)
{
	if (buf == NULL)
		return;
	explicit_bzero(buf, size);
	free(buf);
}

/* The file behind fd may hold a secret: regular, owner-only, small. */
static int
check(int fd, const char *path, size_t *sizep, struct tandem_diag *diag)
{
	struct stat	st;
	int		rc;

	if (fstat(fd, &st) < 0) {
		rc = -errno;
		diag_add(diag, path, 0, "cannot read: %s", strerror(-rc));
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diag, path, 0, "not a regular file; a secret must be one");
		return TANDEM_EINVAL;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		diag_add(diag, path, 0, "readable by group or others (mode %04o); "
		    "a secret must be readable by its owner only (chmod 600)",
		    (unsigned)(st.st_mode & 07777));
		return -EACCES;
	}
	if ((size_t)st.st_size > SECRET_CAP) {
		diag_add(diag, path, 0, "larger than %u bytes; not a secret",
		    SECRET_CAP);
		return -EFBIG;
	}
	*sizep = (size_t)st.st_size;
	return 0;
}

int
secret_read(const char *path, char **out, struct tandem_diag *diag)
{
	char	*buf = NULL;
	size_t	 size = 0, len = 0;
	ssize_t	 r;
	int	 fd, rc;

	if (tandem_fails_assert(path != NULL && out != NULL))
		return TANDEM_EINVAL;
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		diag_add(diag, path, 0, "cannot read: %s", strerror(-rc));
		return rc;
	}
	rc = check(fd, path, &size, diag);
	if (rc < 0)
		goto out;
	buf = malloc(size + 1);
	if (buf == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	while (len < size) {
		r = read(fd, buf + len, size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			diag_add(diag, path, 0, "cannot read: %s", strerror(-rc));
			goto out;
		}
		if (r == 0)
			break;		/* shrank since fstat: take what is there */
		len += (size_t)r;
	}
	/* Editors and `echo pw > file` end the file with a newline. */
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	wipe_free(buf, size + 1);
	close(fd);
	return rc;
}

void
secret_free(char *s)
{
	if (s != NULL)
		wipe_free(s, strlen(s));
}
