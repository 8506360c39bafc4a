#include "tt.h"
TEST(placeholder_parse) { ASSERT_TRUE(1); }
TT_MAIN(CASE(placeholder_parse))
