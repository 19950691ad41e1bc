// Keycast's modules work on the module path (and on the class path), and their internals cannot be imported.
def log = new File(basedir, 'build.log').text
assert log.contains('package dev.keycast.crypto.internal is not visible') :
    'a module importing dev.keycast.crypto.internal compiled (or failed for another reason)'
assert !new File(basedir, 'target/probe-classes/com/example/probe/UsesInternal.class').exists()
assert log =~ /MODULE-PATH OK backend=NATIVE module=dev\.keycast\.crypto / : 'the module-path run did not sign on the native backend'
assert log =~ /CLASS-PATH OK backend=NATIVE / : 'the class-path run did not sign on the native backend'
// the documented --enable-native-access flags cover every restricted call
assert !log.contains('restricted method') : 'native access warnings despite the documented flags'
return true
