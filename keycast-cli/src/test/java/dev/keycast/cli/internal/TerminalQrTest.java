package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nayuki.qrcodegen.QrCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalQrTest {
  @Test
  void render_halfBlocksTwoModulesPerCell_matchesTheSymbol() {
    String uri =
        "bunker://"
            + "ab".repeat(32)
            + "?relay=ws%3A%2F%2F127.0.0.1%3A7777&secret=0123456789abcdef";
    QrCode qr = QrCode.encodeText(uri, QrCode.Ecc.LOW);
    List<String> lines = TerminalQr.render(uri).lines().toList();
    int width = qr.size + 4;
    assertThat(lines).hasSize((qr.size + 4 + 1) / 2);
    assertThat(lines).allSatisfy(l -> assertThat(l).hasSize(width).matches("[ █▀▄]+"));
    // each cell encodes (top, bottom) modules; dark modules are blank
    for (int row = 0; row < lines.size(); row++) {
      for (int x = 0; x < width; x++) {
        char c = lines.get(row).charAt(x);
        boolean topDark = qr.getModule(x - 2, 2 * row - 2);
        boolean bottomDark = qr.getModule(x - 2, 2 * row - 1);
        char expected = !topDark ? (!bottomDark ? '█' : '▀') : (!bottomDark ? '▄' : ' ');
        assertThat(c).as("row %d col %d", row, x).isEqualTo(expected);
      }
    }
  }
}
