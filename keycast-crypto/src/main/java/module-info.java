/**
 * Keycast crypto: BIP-340 Schnorr signatures, x-only keys, NIP-44 and NIP-04 encryption, NIP-19 and
 * NIP-49 encodings, NIP-01 events. Exports only {@code dev.keycast.crypto}; {@code
 * dev.keycast.crypto.internal} is not API.
 *
 * <p>ACINQ's secp256k1 jars are deliberately not required: they split the package {@code
 * fr.acinq.secp256k1} over two jars, which the module system refuses in one layer. They stay on the
 * class path (Maven puts jars that no module requires there), and the backend reaches them by name
 * (see the README, "Module path"). Without them the library runs on its pure-Java backend.
 */
@SuppressWarnings("module") // the qualified export below names a module built after this one
module dev.keycast.crypto {
  requires static transitive org.jspecify;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports dev.keycast.crypto;
  // TrustedKeys, for keys read back from Keycast's own database
  exports dev.keycast.crypto.internal to
      dev.keycast.nip46;
}
