# The REST API matrix's world: one booked referral and everyone who must not see it.
from tests.test_api_access import world  # noqa: F401
