/*
 * parse-only: the floor the benchmark compares tandem with.  Parses every
 * .ics file of a folder with libical's icalparser_parse_string() and frees
 * the tree, nothing else, and prints
 *
 *	libical-parse: files=N bytes=N seconds=S
 *
 * Reading the files is not timed (tandem's "parse" figure does not count it
 * either); each file is read, then parsed, then freed, one at a time, as a
 * process that reads many calendars would.  Links libical only:
 *
 *	cc -O2 -o parse-only bench/parse-only.c $(pkg-config --cflags --libs libical)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
is_ics(const char *name)
{
	size_t	n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".ics") == 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	long	 n;

	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (buf == NULL)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	struct dirent	**names = NULL;
	icalcomponent	 *c;
	char		  path[4096], *text;
	size_t		  files = 0, bytes = 0, len = 0;
	double		  spent = 0, t0;
	int		  n, i, bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: parse-only DIR\n");
		return 64;
	}
	n = scandir(argv[1], &names, NULL, alphasort);
	if (n < 0) {
		perror(argv[1]);
		return 66;
	}
	for (i = 0; i < n; i++) {
		if (is_ics(names[i]->d_name)) {
			snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]->d_name);
			text = slurp(path, &len);
			if (text == NULL) {
				perror(path);
				bad = 1;
			} else {
				t0 = now();
				c = icalparser_parse_string(text);
				if (c == NULL)
					bad = 1;
				icalcomponent_free(c);
				spent += now() - t0;
				files++;
				bytes += len;
				free(text);
			}
		}
		free(names[i]);
	}
	free(names);
	printf("libical-parse: files=%zu bytes=%zu seconds=%.3f\n", files, bytes, spent);
	if (bad)
		fprintf(stderr, "parse-only: some files could not be read or parsed\n");
	return bad ? 65 : 0;
}
