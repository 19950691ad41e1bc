/** Compiled by the embedding test, which expects this compilation to FAIL: internals are not exported. */
module com.example.probe {
  requires dev.keycast.crypto;
}
