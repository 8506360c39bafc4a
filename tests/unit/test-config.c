#include "tt.h"
TEST(placeholder_config) { ASSERT_TRUE(1); }
TT_MAIN(CASE(placeholder_config))
