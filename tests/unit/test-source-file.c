/* Local calendars: one .ics file, or a folder of them. */
#include <dirent.h>
#include <sys/stat.h>

#include "tt.h"
#include "tandem-int.h"
#include "source_file.h"

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" body \
	"END:VCALENDAR\r\n"
/* One UTC event on 2027-03-01 from hh:00 to hh:30. */
#define EV(uid, hh) "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20260101T000000Z\r\n" \
	"DTSTART:20270301T" hh "0000Z\r\nDTEND:20270301T" hh "3000Z\r\nEND:VEVENT\r\n"

static char dir[256];

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "%s/tandem-test-source.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		TT_FAIL("mkdtemp failed");
}

static void
put(const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		TT_FAIL("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* The folder holds plain files only. */
static void
cleanup(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	char		 path[600];

	if (d == NULL)
		TT_FAIL("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	if (rmdir(dir) != 0)
		TT_FAIL("cannot remove %s", dir);
}

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static struct busy_req
window(void)
{
	struct busy_req r;

	memset(&r, 0, sizeof(r));
	r.floating = icaltimezone_get_utc_timezone();
	r.from = utc(2027, 3, 1, 0, 0);
	r.to = utc(2027, 3, 2, 0, 0);
	return r;
}

TEST(one_file)
{
	struct busy_req		 r = window();
	struct busy_set		 s = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	char			 path[512];

	mkdir_tmp();
	put("ana.ics", CAL(EV("a", "09") EV("b", "13")));
	snprintf(path, sizeof(path), "file://%s/ana.ics", dir);
	ASSERT_EQ(source_file_read(path, &r, &s, d), 0);
	ASSERT_EQ(busy_merge(&s), 0);
	ASSERT_EQ(s.n, 2);
	ASSERT_EQ(s.v[0].start, utc(2027, 3, 1, 9, 0));
	ASSERT_EQ(s.v[0].end, utc(2027, 3, 1, 9, 30));
	ASSERT_EQ(s.v[1].start, utc(2027, 3, 1, 13, 0));
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&s);
	tandem_diag_free(d);
	cleanup();
}

TEST(folder_reads_only_ics_files)
{
	struct busy_req		 r = window();
	struct busy_set		 s = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();

	mkdir_tmp();
	put("b.ics", CAL(EV("b", "11")));
	put("a.ICS", CAL(EV("a", "09")));
	put("notes.txt", CAL(EV("txt", "15")));	/* not .ics: ignored */
	put(".hidden.ics", CAL(EV("h", "17")));	/* hidden: ignored */
	put("a.ics~", CAL(EV("bak", "19")));	/* backup: ignored */
	ASSERT_EQ(source_file_read(dir, &r, &s, d), 0);
	ASSERT_EQ(busy_merge(&s), 0);
	ASSERT_EQ(s.n, 2);
	ASSERT_EQ(s.v[0].start, utc(2027, 3, 1, 9, 0));
	ASSERT_EQ(s.v[1].start, utc(2027, 3, 1, 11, 0));
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&s);
	tandem_diag_free(d);
	cleanup();
}

TEST(damaged_file_in_folder_is_reported_others_count)
{
	struct busy_req		 r = window();
	struct busy_set		 s = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	char			 want[512];

	mkdir_tmp();
	put("a.ics", CAL(EV("a", "09")));
	put("b.ics", "this is not a calendar\n");
	put("c.ics", CAL(EV("c", "14")));
	ASSERT_EQ(source_file_read(dir, &r, &s, d), 0);
	ASSERT_EQ(busy_merge(&s), 0);
	ASSERT_EQ(s.n, 2);
	ASSERT_EQ(s.v[1].start, utc(2027, 3, 1, 14, 0));
	ASSERT_EQ(tandem_diag_count(d), 1);
	snprintf(want, sizeof(want), "%s/b.ics", dir);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), want);
	busy_set_free(&s);
	tandem_diag_free(d);
	cleanup();
}

TEST(missing_path_is_an_error_naming_it)
{
	struct busy_req		 r = window();
	struct busy_set		 s = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();

	ASSERT_EQ(source_file_read("file:///nonexistent/tandem/x.ics", &r, &s, d),
	    -ENOENT);
	ASSERT_EQ(s.n, 0);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "/nonexistent/tandem/x.ics");
	busy_set_free(&s);
	tandem_diag_free(d);
}

TEST(empty_folder_is_free_time)
{
	struct busy_req		 r = window();
	struct busy_set		 s = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();

	mkdir_tmp();
	ASSERT_EQ(source_file_read(dir, &r, &s, d), 0);
	ASSERT_EQ(s.n, 0);
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&s);
	tandem_diag_free(d);
	cleanup();
}

TEST(example_calendar_reads_cleanly)
{
	struct busy_req		 r = window();
	struct busy_set		 s = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();

	/* Lena's stand-up (Mon-Fri 09:15-09:30 Berlin) on Monday 2027-03-01. */
	r.floating = icaltimezone_get_builtin_timezone("Europe/Berlin");
	ASSERT_EQ(source_file_read("file://" TOP_SRCDIR "/conf/example/calendars/lena.ics",
	    &r, &s, d), 0);
	ASSERT_EQ(tandem_diag_count(d), 0);
	ASSERT_EQ(busy_merge(&s), 0);
	ASSERT_TRUE(s.n >= 1);
	ASSERT_EQ(s.v[0].start, utc(2027, 3, 1, 8, 15));
	ASSERT_EQ(s.v[0].end, utc(2027, 3, 1, 8, 30));
	busy_set_free(&s);
	tandem_diag_free(d);
}

TT_MAIN(CASE(one_file), CASE(folder_reads_only_ics_files),
    CASE(damaged_file_in_folder_is_reported_others_count),
    CASE(missing_path_is_an_error_naming_it), CASE(empty_folder_is_free_time),
    CASE(example_calendar_reads_cleanly))
