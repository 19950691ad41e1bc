package dev.keycast.nip46.bunker;

/**
 * Every end-to-end scenario again, on PostgreSQL (a fresh schema in database {@code test}); skipped visibly when
 * PostgreSQL is down unless {@code KEYCAST_REQUIRE_PG=1}.
 */
class BunkerEndToEndPostgresTest extends BunkerEndToEndTest {
  @Override
  TestDatabases.Db database() {
    return TestDatabases.postgres();
  }
}
