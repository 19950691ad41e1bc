// The client-only program ran and found no database classes, and the runtime tree holds no JDBC driver.
def log = new File(basedir, 'build.log').text
assert log.contains('CLIENT-ONLY OK') : 'the client-only program did not finish'
assert log =~ /Tests run: 2, Failures: 0, Errors: 0, Skipped: 0/ : 'the jqwik properties over the published generators did not pass'
def tree = new File(basedir, 'target/dependency-tree.txt').text
println tree
['sqlite-jdbc', 'org.postgresql', 'HikariCP', 'jdbi3', 'flyway', 'Java-WebSocket'].each {
  assert !tree.contains(it) : "client-only runtime dependencies contain ${it}:\n${tree}"
}
assert tree.contains('dev.keycast:keycast-crypto') && tree.contains('jackson-databind') && tree.contains('slf4j-api')
return true
