// The embedded bunker served a real NIP-46 client to a verified signed event.
def log = new File(basedir, 'build.log').text
assert log =~ /SIGNED [0-9a-f]{64} by [0-9a-f]{64}/ : 'no signed event'
def tree = new File(basedir, 'target/dependency-tree.txt').text
println tree
assert tree.contains('org.xerial:sqlite-jdbc') && tree.contains('org.flywaydb:flyway-core')
assert !tree.contains('org.postgresql') : 'the SQLite bundle brought the PostgreSQL driver'
return true
