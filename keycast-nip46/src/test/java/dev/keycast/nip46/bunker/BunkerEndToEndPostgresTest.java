package dev.keycast.nip46.bunker;

import dev.keycast.nip46.testing.TestDatabase;

/**
 * Every end-to-end scenario again, on PostgreSQL (a fresh schema in database {@code test}); skipped
 * visibly when PostgreSQL is down unless {@code KEYCAST_REQUIRE_PG=1}.
 */
class BunkerEndToEndPostgresTest extends BunkerEndToEndTest {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
