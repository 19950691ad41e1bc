// Keycast's modules work on the module path (and on the class path), and their internals cannot be imported.
def log = new File(basedir, 'build.log').text
assert log.contains('package dev.keycast.crypto.internal is not visible') :
    'a module importing dev.keycast.crypto.internal compiled (or failed for another reason)'
assert !new File(basedir, 'target/probe-classes/com/example/probe/UsesInternal.class').exists()
assert log =~ /MODULE-PATH OK backend=NATIVE module=dev\.keycast\.crypto / : 'the module-path run did not sign on the native backend'
assert log =~ /CLASS-PATH OK backend=NATIVE / : 'the class-path run did not sign on the native backend'
// both native backends load with keycast-crypto a named module: FFM (JDK 22+) and, with FFM off, ACINQ's JNI
def ffm = Runtime.version().feature() >= 22 ? 'ffm' : 'acinq-jni'
assert log.contains("BACKEND ${ffm} in module dev.keycast.crypto") : "the default native backend (${ffm}) did not load on the module path"
assert log.contains('BACKEND acinq-jni in module dev.keycast.crypto') : 'ACINQ JNI did not load with keycast-crypto on the module path'
// the documented --enable-native-access flags cover every restricted call
assert !log.contains('restricted method') : 'native access warnings despite the documented flags'
return true
