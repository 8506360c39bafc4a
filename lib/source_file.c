/*
 * Local calendars.  A folder is read in name order so that the same files
 * always give the same diagnostics in the same order; hidden files and
 * anything not ending in .ics (editor backups, sync state) are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tandem-int.h"
#include "source_file.h"

static int
read_one(const char *path, const struct busy_req *req, struct busy_set *set,
    struct tandem_diag *diag)
{
	struct busy_req	 r = *req;
	char		*text = NULL;
	int		 rc;

	rc = util_read_file(path, SOURCE_FILE_CAP, &text, NULL);
	if (rc < 0) {
		diag_add(diag, path, 0, "cannot read: %s", rc == -EFBIG ?
		    "larger than 64 MiB" : tandem_strerror(rc));
		return rc;
	}
	r.source = path;
	rc = busy_from_ical(&r, text, set, diag);
	free(text);
	/* Reported: one file gives no data, a folder goes on without it. */
	return rc;
}

static int
is_ics(const char *name)
{
	size_t	len = strlen(name);

	return name[0] != '.' && len > 4 && strcasecmp(name + len - 4, ".ics") == 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .ics names of a folder, sorted; caller frees each and the array. */
static int
list_ics(const char *dir, char ***namesp, size_t *np)
{
	DIR		 *d = opendir(dir);
	struct dirent	 *e;
	char		**names = NULL;
	size_t		  n = 0, cap = 0;
	int		  rc = 0;

	*namesp = NULL;
	*np = 0;
	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (!is_ics(e->d_name))
			continue;
		rc = util_grow((void **)&names, &cap, n, sizeof(*names));
		if (rc < 0)
			break;
		names[n] = util_path_join(dir, e->d_name);
		if (names[n] == NULL) {
			rc = TANDEM_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	*namesp = names;
	*np = n;
	return rc;
}

int
source_file_read(const char *url, const struct busy_req *req,
    struct busy_set *set, struct tandem_diag *diag)
{
	const char	 *path = url;
	struct stat	  st;
	char		**names = NULL;
	size_t		  n = 0, i;
	int		  rc;

	if (tandem_fails_assert(url != NULL && req != NULL && set != NULL))
		return TANDEM_EINVAL;
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	else if (strncmp(path, "file:", 5) == 0)
		path += 5;
	if (stat(path, &st) < 0) {
		rc = -errno;
		diag_add(diag, path, 0, "cannot read: %s", strerror(-rc));
		return rc;
	}
	if (!S_ISDIR(st.st_mode))
		return read_one(path, req, set, diag);
	rc = list_ics(path, &names, &n);
	if (rc < 0 && rc != TANDEM_ENOMEM)
		diag_add(diag, path, 0, "cannot list: %s", strerror(-rc));
	for (i = 0; i < n && rc == 0; i++) {
		rc = read_one(names[i], req, set, diag);
		if (rc < 0 && rc != TANDEM_ENOMEM)
			rc = 0;		/* reported; the other files still count */
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
