package dev.keycast.cli.internal;

import io.nayuki.qrcodegen.QrCode;

/**
 * Renders a QR code as a standalone SVG image (one path of dark modules on a white background, with
 * a four-module quiet zone), from the same encoder as {@link TerminalQr}. The text is only encoded
 * in the modules, never copied into the markup, so a client-supplied string cannot inject anything
 * into the SVG.
 *
 * <p>Thread-safe (stateless).
 */
public final class SvgQr {
  private static final int QUIET = 4;

  private SvgQr() {}

  /**
   * Renders text as an SVG QR code.
   *
   * @param text the text to encode (a bunker URI)
   * @return the SVG document
   * @throws IllegalArgumentException if the text is too long for a QR code
   */
  public static String render(String text) {
    QrCode qr = TerminalQr.encode(text);
    int side = qr.size + 2 * QUIET;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < qr.size; y++) {
      for (int x = 0; x < qr.size; x++) {
        if (qr.getModule(x, y)) {
          path.append('M').append(x + QUIET).append(',').append(y + QUIET).append("h1v1h-1z");
        }
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
        + side
        + " "
        + side
        + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        + "<path fill=\"#000\" d=\""
        + path
        + "\"/></svg>";
  }
}
