package dev.keycast.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** All 19 official BIP-340 vectors (signing and must-reject verification) on every backend. */
class Bip340VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  record Row(
      int index,
      String sk,
      String pk,
      String aux,
      String msg,
      String sig,
      boolean valid,
      String comment) {}

  static List<Secp256k1> backends() {
    return dev.keycast.crypto.TestBackends.all();
  }

  static List<Row> rows() throws IOException {
    try (InputStream in =
        Bip340VectorsTest.class.getResourceAsStream("/vectors/bip340-test-vectors.csv")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<Row> rows = new ArrayList<>();
      String[] lines = text.split("\r?\n");
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        String[] f = lines[i].split(",", -1);
        rows.add(
            new Row(
                Integer.parseInt(f[0]),
                f[1],
                f[2],
                f[3],
                f[4],
                f[5],
                f[6].equals("TRUE"),
                String.join(",", Arrays.copyOfRange(f, 7, f.length))));
      }
      return rows;
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void vectors_allRows_matchOfficialResults(Secp256k1 backend) throws IOException {
    List<Row> rows = rows();
    assertThat(rows).hasSize(19);
    List<String> failures = new ArrayList<>();
    for (Row r : rows) {
      String id = "row " + r.index + " (" + r.comment + ")";
      byte[] pk = HEX.parseHex(r.pk.toLowerCase());
      byte[] msg = HEX.parseHex(r.msg.toLowerCase());
      byte[] sig = HEX.parseHex(r.sig.toLowerCase());
      try {
        if (!r.sk.isEmpty()) {
          byte[] sk = HEX.parseHex(r.sk.toLowerCase());
          byte[] aux = HEX.parseHex(r.aux.toLowerCase());
          if (!backend.isValidSecretKey(sk)) {
            failures.add(id + ": secret key rejected");
            continue;
          }
          if (!Arrays.equals(backend.xOnlyPublicKey(sk), pk)) {
            failures.add(id + ": public key differs");
          }
          Secp256k1.PreparedKey prepared = backend.prepare(sk);
          if (!Arrays.equals(prepared.xOnlyPublicKey(), pk)) {
            failures.add(id + ": prepared public key differs");
          }
          byte[] got = prepared.sign(msg, aux);
          if (!Arrays.equals(got, sig)) {
            failures.add(id + ": signature differs: " + HEX.formatHex(got));
          }
        }
        boolean ok = backend.verify(sig, msg, pk);
        if (ok != r.valid) {
          failures.add(id + ": verify returned " + ok + ", expected " + r.valid);
        }
        boolean okPrepared = backend.preparePublic(pk).verify(sig, msg);
        if (okPrepared != r.valid) {
          failures.add(id + ": prepared verify returned " + okPrepared + ", expected " + r.valid);
        }
      } catch (RuntimeException e) {
        failures.add(id + ": threw " + e);
      }
    }
    assertThat(failures).as(backend.name()).isEmpty();
  }
}
