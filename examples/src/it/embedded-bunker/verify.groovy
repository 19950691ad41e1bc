// The embedded bunker served a real NIP-46 client to a verified signed event.
def log = new File(basedir, 'build.log').text
assert log =~ /SIGNED [0-9a-f]{64} by [0-9a-f]{64}/ : 'no signed event'
// nostr-tools, the client web apps use, drove every NIP-46 method against the embedded bunker
if (log.contains('NOSTR-TOOLS SKIPPED')) {
  assert System.getenv('CI') != 'true' : 'CI=true but the nostr-tools client did not run against the embedded bunker'
  println 'WARNING: nostr-tools part of the embedding test skipped (see build.log)'
} else {
  assert log.contains('NOSTR-TOOLS OK') : 'nostr-tools did not get every method answered by the embedded bunker'
}
def tree = new File(basedir, 'target/dependency-tree.txt').text
println tree
assert tree.contains('org.xerial:sqlite-jdbc') && tree.contains('org.flywaydb:flyway-core')
assert !tree.contains('org.postgresql') : 'the SQLite bundle brought the PostgreSQL driver'
return true
