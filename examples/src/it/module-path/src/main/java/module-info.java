/** A user's application module: it may read only what Keycast's modules export. */
module com.example.consumer {
  requires dev.keycast.nip46;
}
