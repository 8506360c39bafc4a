#include "tt.h"
TEST(placeholder_cadence) { ASSERT_TRUE(1); }
TT_MAIN(CASE(placeholder_cadence))
