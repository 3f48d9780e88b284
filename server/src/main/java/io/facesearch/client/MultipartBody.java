package io.facesearch.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A {@code multipart/form-data} body built once and sent many times, as browsers and Python {@code requests}
 * encode it: text fields, then one file field.
 */
public final class MultipartBody {

  private static final String BOUNDARY = "----facesearchbench7d1c4e2a";

  /** The {@code Content-Type} header value of every body built here. */
  public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  public MultipartBody field(String name, String value) {
    write(
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"\r\n\r\n"
            + value
            + "\r\n");
    return this;
  }

  public MultipartBody file(String name, String filename, String contentType, byte[] content) {
    write(
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"; filename=\""
            + filename
            + "\"\r\nContent-Type: "
            + contentType
            + "\r\n\r\n");
    body.writeBytes(content);
    write("\r\n");
    return this;
  }

  /** The finished body, closing boundary included. */
  public byte[] bytes() {
    ByteArrayOutputStream done = new ByteArrayOutputStream(body.size() + BOUNDARY.length() + 8);
    done.writeBytes(body.toByteArray());
    done.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return done.toByteArray();
  }

  private void write(String s) {
    body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
