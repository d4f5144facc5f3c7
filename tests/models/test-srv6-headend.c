/* test-srv6-headend.c - (being written) */
#include "srv6-fixture.h"

Test(srv6_placeholder_test_srv6_headend, builds)
{
  Sx t;
  sx_init(&t, false);
  cr_assert_not_null(t.sr[SX_R2]);
  sx_free(&t);
}
