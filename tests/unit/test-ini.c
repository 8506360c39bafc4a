#include "tt.h"
TEST(placeholder_ini) { ASSERT_TRUE(1); }
TT_MAIN(CASE(placeholder_ini))
