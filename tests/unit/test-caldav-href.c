/*
 * caldav_href: hrefs resolved against the URL they came from, and whether two
 * hrefs or URLs name one place, as servers write them (a path or a whole URL,
 * percent-encoded or not, with or without a trailing slash).
 */
#include <stdlib.h>
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "caldav.h"

/* caldav_resolve(base, href) is want; the result is freed. */
static void
resolves_to(const char *base, const char *href, const char *want)
{
	char	*got = caldav_resolve(base, href);

	ASSERT_STR_EQ(got, want);
	free(got);
}

TEST(an_absolute_href_stays_as_it_is)
{
	resolves_to("https://dav.corp.example/cal/u/",
	    "https://other.example/x/", "https://other.example/x/");
	resolves_to("https://dav.corp.example/cal/u/", "HTTP://Other.example/x",
	    "HTTP://Other.example/x");
	/* Even against a base that is not a URL. */
	resolves_to("not a url", "http://a.example/b", "http://a.example/b");
}

TEST(a_path_takes_the_scheme_and_authority_of_the_base)
{
	resolves_to("https://dav.corp.example:8443/cal/u/home/",
	    "/cal/principals/u/",
	    "https://dav.corp.example:8443/cal/principals/u/");
	resolves_to("http://user@dav.example/dav.php/", "/dav.php/v/",
	    "http://user@dav.example/dav.php/v/");
	/* A base without a path, or with a query right after the authority. */
	resolves_to("https://dav.example", "/p/", "https://dav.example/p/");
	resolves_to("https://dav.example?x=1", "/p/", "https://dav.example/p/");
}

TEST(a_relative_href_resolves_against_the_folder_of_the_base)
{
	resolves_to("https://dav.example/cal/u/", "work/",
	    "https://dav.example/cal/u/work/");
	/* The last segment of the base is a file, not a folder: it goes. */
	resolves_to("https://dav.example/cal/u/home.ics", "work.ics",
	    "https://dav.example/cal/u/work.ics");
	resolves_to("https://dav.example", "work/",
	    "https://dav.example/work/");
}

TEST(a_base_that_is_not_a_url_resolves_nothing)
{
	ASSERT_TRUE(caldav_resolve("dav.example/cal/", "/cal/u/") == NULL);
	ASSERT_TRUE(caldav_resolve("", "work/") == NULL);
}

TEST(same_href_compares_paths_whatever_the_host)
{
	ASSERT_TRUE(caldav_same_href("https://dav.example/cal/u/a.ics",
	    "/cal/u/a.ics"));
	ASSERT_TRUE(caldav_same_href("https://dav.example/cal/u/a.ics",
	    "http://other.example:8080/cal/u/a.ics"));
	ASSERT_TRUE(caldav_same_href("/cal/u/", "/cal/u/"));
	/* Written to the letter: a slash, an escape or a query counts. */
	ASSERT_TRUE(!caldav_same_href("/cal/u/", "/cal/u"));
	ASSERT_TRUE(!caldav_same_href("/u/m1%40corp.example/",
	    "/u/m1@corp.example/"));
	ASSERT_TRUE(!caldav_same_href("/cal/u/a.ics", "/cal/u/b.ics"));
}

TEST(same_place_reads_percent_encoded_paths_as_plain)
{
	ASSERT_TRUE(caldav_same_place("/u/m1%40corp.example/",
	    "/u/m1@corp.example"));
	ASSERT_TRUE(caldav_same_place(
	    "https://dav.corp.example/u/m1%40corp.example/",
	    "/u/m1@corp.example"));
	ASSERT_TRUE(caldav_same_place("/cal/a%3ab/", "/cal/a:b/"));
	ASSERT_TRUE(caldav_same_place("/cal/%41/", "/cal/A/"));
	/* What is not an escape is kept as written. */
	ASSERT_TRUE(caldav_same_place("/cal/100%zz/", "/cal/100%zz"));
	ASSERT_TRUE(!caldav_same_place("/cal/100%zz/", "/cal/100/"));
	ASSERT_TRUE(caldav_same_place("/cal/50%", "/cal/50%/"));
}

TEST(same_place_ignores_a_trailing_slash)
{
	ASSERT_TRUE(caldav_same_place("/cal/u/", "/cal/u"));
	ASSERT_TRUE(caldav_same_place("https://dav.example/cal/u///",
	    "https://dav.example/cal/u"));
	ASSERT_TRUE(caldav_same_place("/", "/"));
}

TEST(same_place_tells_different_paths_apart)
{
	ASSERT_TRUE(!caldav_same_place("/u/lena/", "/u/jonas/"));
	ASSERT_TRUE(!caldav_same_place("/u/m1%40corp.example/",
	    "/u/m2@corp.example"));
	ASSERT_TRUE(!caldav_same_place("/cal/u/", "/cal/u/work/"));
	ASSERT_TRUE(!caldav_same_place("/cal/u", "/cal/"));
}

TEST(same_place_ignores_query_strings_and_fragments)
{
	ASSERT_TRUE(caldav_same_place("/u/lena/?export", "/u/lena"));
	ASSERT_TRUE(caldav_same_place("https://dav.example/u/lena/?a=1&b=2",
	    "https://dav.example/u/lena/?a=3"));
	ASSERT_TRUE(caldav_same_place("/u/lena/#top", "/u/lena/"));
	ASSERT_TRUE(!caldav_same_place("/u/lena/?x", "/u/jonas/?x"));
}

TEST(same_place_of_a_path_too_long_to_decode_is_same_href)
{
	char	a[1200], b[1200];

	memset(a, 'x', sizeof(a) - 2);
	a[0] = '/';
	a[sizeof(a) - 2] = '/';
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	ASSERT_TRUE(caldav_same_place(a, b));
	/* No decoding, and the trailing slash counts again. */
	b[sizeof(b) - 2] = '\0';
	ASSERT_TRUE(!caldav_same_place(a, b));
}

TT_MAIN(
	CASE(an_absolute_href_stays_as_it_is),
	CASE(a_path_takes_the_scheme_and_authority_of_the_base),
	CASE(a_relative_href_resolves_against_the_folder_of_the_base),
	CASE(a_base_that_is_not_a_url_resolves_nothing),
	CASE(same_href_compares_paths_whatever_the_host),
	CASE(same_place_reads_percent_encoded_paths_as_plain),
	CASE(same_place_ignores_a_trailing_slash),
	CASE(same_place_tells_different_paths_apart),
	CASE(same_place_ignores_query_strings_and_fragments),
	CASE(same_place_of_a_path_too_long_to_decode_is_same_href)
)
