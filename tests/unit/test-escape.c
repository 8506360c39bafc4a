/*
 * Unit tests of tandem_escape(): what outside text looks like in a log.
 */
#include <string.h>

#include "tt.h"
#include "tandem-int.h"

static const char *
esc(const char *in)
{
	static char	buf[256];

	tandem_escape(in, buf, sizeof(buf));
	return buf;
}

TEST(newlines_cannot_forge_a_line)
{
	ASSERT_STR_EQ(esc("x\ntandemd: SEND: forged line"),
	    "x\\ntandemd: SEND: forged line");
	ASSERT_STR_EQ(esc("a\r\nb\tc"), "a\\r\\nb\\tc");
}

TEST(escape_sequences_cannot_colour_a_terminal)
{
	/* ESC[31m, DEL, BEL, and U+009B (CSI as one C1 character). */
	ASSERT_STR_EQ(esc("\x1b[31mred\x7f\a"), "\\x1b[31mred\\x7f\\x07");
	ASSERT_STR_EQ(esc("\xc2\x9b" "31m"), "\\xc2\\x9b31m");
}

TEST(text_and_utf8_stay_and_a_backslash_is_doubled)
{
	ASSERT_STR_EQ(esc("Léna Vögel <lena@x>"), "Léna Vögel <lena@x>");
	ASSERT_STR_EQ(esc("a\\nb"), "a\\\\nb");	/* a real backslash-n */
	ASSERT_STR_EQ(esc(""), "");
	ASSERT_STR_EQ(esc(NULL), "");
}

TEST(cut_to_size_never_in_half_an_escape)
{
	char	buf[6];

	ASSERT_EQ(tandem_escape("abcd\n", buf, sizeof(buf)), 6);
	ASSERT_STR_EQ(buf, "abcd");
	ASSERT_EQ(tandem_escape("ab", buf, sizeof(buf)), 2);
	ASSERT_STR_EQ(buf, "ab");
}

TT_MAIN(CASE(newlines_cannot_forge_a_line),
    CASE(escape_sequences_cannot_colour_a_terminal),
    CASE(text_and_utf8_stay_and_a_backslash_is_doubled),
    CASE(cut_to_size_never_in_half_an_escape))
