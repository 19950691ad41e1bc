package dev.keycast.cli.internal;

import io.nayuki.qrcodegen.QrCode;

/**
 * Renders a QR code for a terminal with Unicode half blocks: each character cell holds two modules,
 * so the code stays square in a typical font. Light modules are drawn (blocks) and dark ones left
 * blank, which scans on the usual dark terminal background; a quiet zone of two modules surrounds
 * the code.
 *
 * <p>Thread-safe (stateless).
 */
public final class TerminalQr {
  private static final int QUIET = 2;

  private TerminalQr() {}

  /**
   * Encodes text as a QR code at the lowest error correction (the most room for a bunker URI); the
   * one encoding behind this class and {@link SvgQr}.
   *
   * @throws IllegalArgumentException if the text is too long for a QR code
   */
  static QrCode encode(String text) {
    try {
      return QrCode.encodeText(text, QrCode.Ecc.LOW);
    } catch (io.nayuki.qrcodegen.DataTooLongException e) {
      throw new IllegalArgumentException(
          "text too long for a QR code: " + text.length() + " characters", e);
    }
  }

  /**
   * Renders text as a QR code for a terminal.
   *
   * @param text the text to encode (a bunker URI)
   * @return the lines of the rendered code, each ending with a newline
   * @throws IllegalArgumentException if the text is too long for a QR code
   */
  public static String render(String text) {
    QrCode qr = encode(text);
    int size = qr.size;
    StringBuilder sb = new StringBuilder((size + 2 * QUIET + 1) * (size / 2 + QUIET + 1));
    for (int y = -QUIET; y < size + QUIET; y += 2) {
      for (int x = -QUIET; x < size + QUIET; x++) {
        boolean topLight = !dark(qr, x, y);
        boolean bottomLight = !dark(qr, x, y + 1);
        sb.append(topLight ? (bottomLight ? '█' : '▀') : (bottomLight ? '▄' : ' '));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static boolean dark(QrCode qr, int x, int y) {
    // getModule returns false (light) outside the symbol, which is the quiet zone
    return qr.getModule(x, y);
  }
}
