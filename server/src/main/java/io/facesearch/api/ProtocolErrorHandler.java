package io.facesearch.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers to requests that never reach the routes (a malformed request line or header, a header too
 * large, an unknown HTTP version): JSON in the API's {@code {"detail": ...}} shape instead of an HTML page, and a
 * 400 instead of 505 for an HTTP version that does not exist, which is the client's mistake (the replayed corpus
 * of malformed requests found {@code HTTP/9.9} answered 505).
 */
final class ProtocolErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    int status =
        code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 ? HttpStatus.BAD_REQUEST_400 : code;
    String detail =
        status == HttpStatus.BAD_REQUEST_400
            ? "Malformed HTTP request."
            : HttpStatus.getMessage(status);
    byte[] body = ("{\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
