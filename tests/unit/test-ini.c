/* The INI reader: what it hands to the handler, and where it says things are wrong. */
#include "tt.h"
#include "tandem-int.h"
#include "ini.h"

struct seen {
	char	log[4096];
};

static int
on_section(void *ud, const char *type, const char *name, int line)
{
	struct seen *s = ud;
	size_t l = strlen(s->log);

	snprintf(s->log + l, sizeof(s->log) - l, "%d:[%s|%s]\n", line, type,
	    name ? name : "-");
	return 0;
}

static int
on_pair(void *ud, const char *key, const char *value, int line)
{
	struct seen *s = ud;
	size_t l = strlen(s->log);

	snprintf(s->log + l, sizeof(s->log) - l, "%d:%s=<%s>\n", line, key, value);
	return 0;
}

static const struct ini_handler handler = { on_section, on_pair };

static int
run(const char *text, struct seen *s, struct tandem_diag *d)
{
	memset(s, 0, sizeof(*s));
	return ini_parse("t.conf", text, &handler, s, d);
}

TEST(sections_and_pairs)
{
	struct seen s;

	ASSERT_EQ(run("# top\n[daemon]\nstate = /x.db\n\n[program  rev-2027 ]\n"
	    "cadence=every 3 weeks\n", &s, NULL), 0);
	ASSERT_STR_EQ(s.log, "2:[daemon|-]\n3:state=</x.db>\n5:[program|rev-2027]\n"
	    "6:cadence=<every 3 weeks>\n");
}

TEST(inline_comments_and_quotes)
{
	struct seen s;

	ASSERT_EQ(run("[a]\nx = 1   # one\ny = 2 ; two\nz = a#b\n"
	    "q = \"keep # this\"  # not this\nw = \"say \\\"hi\\\"\"\n", &s, NULL), 0);
	ASSERT_STR_EQ(s.log, "1:[a|-]\n2:x=<1>\n3:y=<2>\n4:z=<a#b>\n"
	    "5:q=<keep # this>\n6:w=<say \"hi\">\n");
}

TEST(bom_crlf_and_empty_value)
{
	struct seen s;

	ASSERT_EQ(run("\xef\xbb\xbf[a]\r\nx =\r\ny = v\r\n", &s, NULL), 0);
	ASSERT_STR_EQ(s.log, "1:[a|-]\n2:x=<>\n3:y=<v>\n");
}

TEST(every_syntax_error_reported_with_line)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct seen		 s;

	ASSERT_EQ(run("[a]\njunk line\nok = 1\n[broken\nkey with space = 1\n"
	    "[]\nq = \"open\n", &s, d), TANDEM_ECONFIG);
	ASSERT_EQ(tandem_diag_count(d), 5);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "t.conf:2: expected \"key = value\"");
	ASSERT_CONTAINS(tandem_diag_get(d, 1), "t.conf:4: section header without closing");
	ASSERT_CONTAINS(tandem_diag_get(d, 2), "t.conf:5:");
	ASSERT_CONTAINS(tandem_diag_get(d, 3), "t.conf:6: empty section header");
	ASSERT_CONTAINS(tandem_diag_get(d, 4), "t.conf:7: q: unterminated quoted value");
	/* The good line between the bad ones still reached the handler. */
	ASSERT_CONTAINS(s.log, "3:ok=<1>");
	tandem_diag_free(d);
}

TEST(text_after_header)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct seen		 s;

	ASSERT_EQ(run("[a] extra\n[b] # fine\n", &s, d), TANDEM_ECONFIG);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "t.conf:1: text after section header");
	ASSERT_CONTAINS(s.log, "2:[b|-]");
	tandem_diag_free(d);
}

TEST(quoted_tail_after_header_is_an_error_not_a_crash)
{
	/* Found by fuzzing: these crashed validate, and tandemd on reload. */
	struct tandem_diag	*d = tandem_diag_new();
	struct seen		 s;

	ASSERT_EQ(run("[daemon]\"a\"b\n[b]\"#a]ine\n[c] \"q\"\n[d]\"\n", &s, d),
	    TANDEM_ECONFIG);
	ASSERT_EQ(tandem_diag_count(d), 4);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "t.conf:1: text after section header");
	ASSERT_CONTAINS(tandem_diag_get(d, 1), "t.conf:2: text after section header");
	ASSERT_CONTAINS(tandem_diag_get(d, 2), "t.conf:3: text after section header");
	ASSERT_CONTAINS(tandem_diag_get(d, 3), "t.conf:4: text after section header");
	tandem_diag_free(d);
}

TEST(long_lines)
{
	static char	text[20000];
	struct seen	s;

	strcpy(text, "[a]\nk = ");
	memset(text + 8, 'v', 10000);
	strcpy(text + 10008, "\n");
	ASSERT_EQ(run(text, &s, NULL), 0);
	ASSERT_CONTAINS(s.log, "2:k=<vvvv");
}

TT_MAIN(CASE(sections_and_pairs), CASE(inline_comments_and_quotes),
    CASE(bom_crlf_and_empty_value), CASE(every_syntax_error_reported_with_line),
    CASE(text_after_header),
    CASE(quoted_tail_after_header_is_an_error_not_a_crash), CASE(long_lines))
