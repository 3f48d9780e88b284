package io.facesearch.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for requests the JDK client would refuse to send (malformed on purpose). */
final class RawHttp {

  private RawHttp() {}

  static byte[] request(
      String method, String path, String apiKey, String contentType, byte[] body) {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(
        (method
                + " "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: "
                + apiKey
                + "\r\nContent-Type: "
                + contentType
                + "\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    r.writeBytes(body);
    return r.toByteArray();
  }

  /**
   * Sends {@code request} on a fresh connection and reads the answer to the end; its status, or -1 when the server
   * closed without one. A {@link java.net.SocketTimeoutException} means no answer within {@code timeoutMs}.
   */
  static int exchange(int port, byte[] request, int timeoutMs) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMs);
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        s.shutdownOutput(); // raw requests may end mid-message: the server sees the end of input
      } catch (IOException refusedMidWrite) {
        // the server answered and closed before the whole body was sent: read its answer
      }
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = 0;
      for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
        n += r;
      }
      in.transferTo(java.io.OutputStream.nullOutputStream());
      String line = new String(head, 0, n, StandardCharsets.ISO_8859_1);
      return line.startsWith("HTTP/1.1 ") && n == 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
    }
  }
}
