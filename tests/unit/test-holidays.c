#include "tt.h"
TEST(placeholder_holidays) { ASSERT_TRUE(1); }
TT_MAIN(CASE(placeholder_holidays))
