#include "tt.h"
TEST(placeholder_plan) { ASSERT_TRUE(1); }
TT_MAIN(CASE(placeholder_plan))
