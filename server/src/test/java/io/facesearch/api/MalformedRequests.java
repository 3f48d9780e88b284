package io.facesearch.api;

import io.facesearch.image.ImageBombs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A seeded generator of malformed requests, as a careless or hostile client sends them: damaged and hostile images
 * (truncated at every kind of boundary, declared sizes rewritten, ICC and metadata bombs, dimension bombs, bit
 * flips), broken multipart bodies, broken JSON, wrong field values, odd paths and methods, and raw HTTP with
 * malformed request lines and headers. The same seed gives the same requests; the corpus is this code, not files.
 */
final class MalformedRequests {

  /** One request. {@code raw}: the whole HTTP/1.1 request as bytes, sent over a socket as it is. */
  record Case(
      String kind, String method, String path, String contentType, byte[] body, byte[] raw) {}

  private final Random random;
  private final List<byte[]> images; // small valid images of every format, the mutation bases
  private final List<String> paths;

  /** {@code photos}: JPEG photos to derive small base images from. {@code listId}: a face list of the server. */
  MalformedRequests(long seed, List<Path> photos, String listId) {
    this.random = new Random(seed);
    this.images = baseImages(photos);
    this.paths =
        List.of(
            "/v3/face-search/",
            "/v3/sessions/",
            "/v3/face-match/",
            "/v3/passive-liveness/",
            "/v3/age-estimation/",
            "/v3/lists/" + listId + "/entries/face-upload/",
            "/v3/lists/",
            "/v1/analyze");
  }

  List<Case> generate(int count) {
    List<Case> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  private Case next() {
    int pick = random.nextInt(100);
    if (pick < 40) {
      return imageUpload(mutatedImage());
    } else if (pick < 55) {
      return brokenMultipart();
    } else if (pick < 70) {
      return brokenJson();
    } else if (pick < 82) {
      return wrongFields();
    } else if (pick < 90) {
      return oddPathOrMethod();
    }
    return rawHttp();
  }

  // ---- images
  // ----------------------------------------------------------------------------------------------------

  private byte[] mutatedImage() {
    byte[] base = images.get(random.nextInt(images.size()));
    return switch (random.nextInt(12)) {
      case 0 -> Arrays.copyOf(base, random.nextInt(base.length)); // truncated anywhere
      case 1 ->
          Arrays.copyOf(
              base, Math.min(base.length, 8 + random.nextInt(200))); // truncated in the headers
      case 2 -> flipBits(base, 1 + random.nextInt(8));
      case 3 -> rewriteDeclaredSize(base);
      case 4 -> ImageBombs.jpegWithIccDeclaring(pickSize());
      case 5 -> ImageBombs.jpegWithExifCount((int) pickSize());
      case 6 -> ImageBombs.jpegWithPhotoshopResource(pickSize());
      case 7 -> ImageBombs.tiffWithTagCount((int) pickSize());
      case 8 -> pngClaiming(1 + random.nextInt(100_000), 1 + random.nextInt(100_000));
      case 9 -> randomBytes(random.nextInt(2048));
      case 10 -> concat(base, randomBytes(random.nextInt(512))); // trailing garbage
      default ->
          overwrite(
              base, random.nextInt(Math.max(1, base.length)), randomBytes(1 + random.nextInt(32)));
    };
  }

  private long pickSize() {
    long[] sizes = {
      0, 1, 127, 128, 129, 4096, 65_535, 0x7FFF_FFFFL, 0x7000_0000L, 0xFFFF_FFFFL, 0x8000_0000L
    };
    return random.nextBoolean()
        ? sizes[random.nextInt(sizes.length)]
        : random.nextInt() & 0xFFFF_FFFFL;
  }

  /** Rewrites a 32- or 16-bit field at a container boundary: RIFF/chunk sizes, PNG chunk lengths, JPEG lengths. */
  private byte[] rewriteDeclaredSize(byte[] base) {
    byte[] d = base.clone();
    int at;
    if (d.length > 20 && d[0] == 'R') {
      at = random.nextBoolean() ? 4 : 16; // RIFF size or the first chunk's size
      ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) pickSize());
    } else if (d.length > 16 && (d[0] & 0xff) == 0x89) {
      ByteBuffer.wrap(d)
          .putInt(
              8 + 25 * random.nextInt(2), (int) pickSize()); // IHDR's or the next chunk's length
    } else if (d.length > 8 && (d[0] & 0xff) == 0xFF) {
      at = 4 + random.nextInt(Math.min(200, d.length - 6));
      d[at] = (byte) random.nextInt(256);
      d[at + 1] = (byte) random.nextInt(256);
    } else if (d.length > 8) {
      ByteBuffer.wrap(d).putInt(4, (int) pickSize()); // TIFF's first IFD offset
    }
    return d;
  }

  private Case imageUpload(byte[] image) {
    String path = paths.get(random.nextInt(6));
    if (path.contains("/entries/")) {
      String b64 = Base64.getEncoder().encodeToString(image);
      return new Case(
          "image/list",
          "POST",
          path,
          "application/json",
          ("{\"image\":\"" + b64 + "\",\"comment\":\"fuzz\"}").getBytes(StandardCharsets.UTF_8),
          null);
    }
    Multipart form = new Multipart().file("user_image", "x.jpg", "image/jpeg", image);
    if (path.equals("/v3/face-match/")) {
      form.file("ref_image", "r.jpg", "image/jpeg", mutatedImage());
    }
    form.field("save_api_request", "false");
    return multipartCase("image" + path, path, form);
  }

  // ---- multipart
  // -------------------------------------------------------------------------------------------------

  private Case brokenMultipart() {
    String path = paths.get(random.nextInt(5));
    byte[] image = images.get(random.nextInt(images.size()));
    String boundary = "b" + random.nextInt(1_000_000);
    String ct = "multipart/form-data; boundary=" + boundary;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    switch (random.nextInt(10)) {
      case 0 -> { // no closing boundary
        part(b, boundary, "user_image", "x.jpg", image);
      }
      case 1 -> { // a different boundary in the body
        part(b, "other", "user_image", "x.jpg", image);
        b.writeBytes(("--other--\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      case 2 -> { // no boundary parameter
        ct = "multipart/form-data";
        part(b, boundary, "user_image", "x.jpg", image);
        end(b, boundary);
      }
      case 3 -> { // part without Content-Disposition
        b.writeBytes(
            ("--" + boundary + "\r\nContent-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(image);
        b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        end(b, boundary);
      }
      case 4 -> { // field names and values in invalid UTF-8, control characters
        b.writeBytes(
            ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"")
                .getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(randomBytes(1 + random.nextInt(20)));
        b.writeBytes("\"\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(randomBytes(random.nextInt(200)));
        b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        end(b, boundary);
      }
      case 5 -> { // the image field twice, and a text field far over the limit
        part(b, boundary, "user_image", "x.jpg", image);
        part(b, boundary, "user_image", "y.jpg", image);
        part(
            b,
            boundary,
            "vendor_data",
            null,
            "v".repeat(1025 + random.nextInt(5000)).getBytes(StandardCharsets.UTF_8));
        end(b, boundary);
      }
      case 6 -> { // empty body
        // nothing
      }
      case 7 -> { // random bytes as a body
        b.writeBytes(randomBytes(random.nextInt(4096)));
      }
      case 8 -> { // a huge part header line
        b.writeBytes(
            ("--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"user_image\"; filename=\""
                    + "a".repeat(20_000 + random.nextInt(60_000))
                    + "\"\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(image);
        end(b, boundary);
      }
      default -> { // the image sent as a text field, the form as urlencoded
        if (random.nextBoolean()) {
          part(b, boundary, "user_image", null, image);
          end(b, boundary);
        } else {
          ct = "application/x-www-form-urlencoded";
          b.writeBytes(
              ("user_image=" + Base64.getEncoder().encodeToString(image) + "&search_type=%ZZ")
                  .getBytes(StandardCharsets.ISO_8859_1));
        }
      }
    }
    return new Case("multipart", "POST", path, ct, b.toByteArray(), null);
  }

  private static void part(
      ByteArrayOutputStream b, String boundary, String name, String filename, byte[] content) {
    b.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\""
                + name
                + "\""
                + (filename == null
                    ? ""
                    : "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream")
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(content);
    b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void end(ByteArrayOutputStream b, String boundary) {
    b.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  // ---- JSON
  // ------------------------------------------------------------------------------------------------------

  private Case brokenJson() {
    String path =
        switch (random.nextInt(5)) {
          case 0 -> "/v3/lists/";
          case 1 -> paths.get(5);
          case 2 -> "/v3/blocklist/add/";
          case 3 -> "/v3/billing/top-up/";
          default -> "/auth/v2/programmatic/verify-email/";
        };
    String valid =
        switch (path) {
          case "/v3/lists/" -> "{\"name\":\"n\",\"list_type\":\"blocklist\"}";
          case "/v3/blocklist/add/" ->
              "{\"session_id\":\"00000000-0000-0000-0000-000000000000\",\"blocklist_face\":true}";
          case "/v3/billing/top-up/" -> "{\"amount_in_dollars\":50}";
          case "/auth/v2/programmatic/verify-email/" ->
              "{\"email\":\"a@b.example\",\"code\":\"123456\"}";
          default -> "{\"image\":\"" + Base64.getEncoder().encodeToString(images.get(0)) + "\"}";
        };
    String body =
        switch (random.nextInt(14)) {
          case 0 -> valid + " garbage";
          case 1 -> valid + valid;
          case 2 -> valid.substring(0, random.nextInt(valid.length()));
          case 3 -> "[".repeat(1 + random.nextInt(5000)) + "]".repeat(random.nextInt(3));
          case 4 ->
              "{\"a\":".repeat(1 + random.nextInt(3000)) + "1" + "}".repeat(random.nextInt(3000));
          case 5 ->
              valid.replace("\"n\"", "12345678901234567890123456789e99999").replace("50", "1e400");
          case 6 ->
              valid
                  .replace("true", "\"yes\"")
                  .replace("\"blocklist\"", "[\"blocklist\"]")
                  .replace("50", "\"50\"");
          case 7 -> "{\"image\":\"" + "!@#$".repeat(random.nextInt(200)) + "\"}";
          case 8 -> new String(randomBytes(random.nextInt(300)), StandardCharsets.ISO_8859_1);
          case 9 -> "";
          case 10 -> "null";
          case 11 -> "{\"name\":\"" + "\\ud800".repeat(1 + random.nextInt(20)) + "\",\"name\":1}";
          case 12 -> "{\"amount_in_dollars\":NaN,\"name\":Infinity}";
          default -> "{\"name\":\"" + "x".repeat(1025 + random.nextInt(20_000)) + "\"}";
        };
    String ct = random.nextInt(5) == 0 ? "text/plain; charset=bogus" : "application/json";
    byte[] bytes =
        random.nextInt(8) == 0
            ? concat(body.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3})
            : body.getBytes(StandardCharsets.UTF_8);
    return new Case("json" + path, "POST", path, ct, bytes, null);
  }

  // ---- field values
  // ----------------------------------------------------------------------------------------------

  private Case wrongFields() {
    String path = paths.get(random.nextInt(5));
    byte[] image = images.get(random.nextInt(images.size()));
    Multipart form = new Multipart().file("user_image", "x.jpg", "image/jpeg", image);
    String[] fields = {
      "rotate_image",
      "search_type",
      "save_api_request",
      "metadata",
      "verification_date",
      "status",
      "face_match_score_decline_threshold",
      "face_liveness_score_decline_threshold",
      "age_estimation_decline_threshold",
      "vendor_data",
      "name",
      "document_number"
    };
    String[] values = {
      "",
      "sideways",
      "2",
      "-1",
      "1e309",
      "NaN",
      "[1]",
      "{\"a\":",
      "{\"a\":1}x",
      "null",
      "\u0000",
      "9999-99-99",
      "2024-02-30T25:61:00Z",
      "Approved\u0000",
      "\ud83d\ude00".repeat(1025),
      "x".repeat(1025),
      "%00%ff",
      "true false",
      "-2147483649",
      "101",
      "\u202e\u200b",
      "<script>",
      "../../etc/passwd"
    };
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      form.field(fields[random.nextInt(fields.length)], values[random.nextInt(values.length)]);
    }
    if (!form.hasField("save_api_request")) {
      form.field("save_api_request", "false");
    }
    return multipartCase("fields" + path, path, form);
  }

  // ---- paths and methods
  // -----------------------------------------------------------------------------------------

  private Case oddPathOrMethod() {
    String[] methods = {"GET", "PUT", "PATCH", "DELETE", "POST", "OPTIONS", "HEAD"};
    String[] odd = {
      "/v3/session/%00/decision/",
      "/v3/session/" + "a".repeat(5000) + "/decision/",
      "/v3/session/../../etc/passwd/delete/",
      "/v3/sessions/?page=-1&page_size=100000",
      "/v3/sessions/?created_from=yesterday&status=%ZZ",
      "/v3/images/x.jpg?expires=abc&signature=%",
      "/v3/lists/not-a-uuid/entries/",
      "/v3/session/%2e%2e%2f/update-status/",
      "/v3/sessions/?page_size=1e3",
      "/v3/lists//entries/face-upload/",
      "/v3/billing/top-up/%FF/",
      "/v3/face-search",
      "/v3//face-search/"
    };
    String method = methods[random.nextInt(methods.length)];
    String path =
        random.nextBoolean()
            ? odd[random.nextInt(odd.length)]
            : paths.get(random.nextInt(paths.size()));
    byte[] body =
        method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")
            ? new byte[0]
            : "{\"new_status\":\"Maybe\",\"comment\":1}".getBytes(StandardCharsets.UTF_8);
    return new Case("route", method, path, "application/json", body, null);
  }

  // ---- raw HTTP
  // --------------------------------------------------------------------------------------------------

  private Case rawHttp() {
    String key = "KEY"; // replaced by the replayer with the server's key
    String[] requests = {
      "POST /v3/face-search/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nContent-Length: -5\r\n\r\n",
      "POST /v3/face-search/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n0123456789",
      "POST /v3/face-search/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
      "POST /v3/lists/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\n{}}\r\n0\r\n\r\n",
      "GET /v3/sessions/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nX-Long: "
          + "a".repeat(70_000)
          + "\r\n\r\n",
      "GET /v3/sessions/ HTTP/9.9\r\nHost: h\r\nx-api-key: KEY\r\n\r\n",
      "GET  /v3/sessions/  HTTP/1.1\r\nHost: h\r\n\r\n",
      "G\u0000T /v3/sessions/ HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /v3/sessions/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nBad Header Name: x\r\n\r\n",
      "GET /v3/sessions/ HTTP/1.1\r\nHost: h\r\n x-api-key: KEY\r\n\r\n",
      "POST /v3/sessions/ HTTP/1.1\r\nHost: h\r\nx-api-key: KEY\r\nContent-Type: multipart/form-data; boundary=\r\nContent-Length: 4\r\n\r\n--\r\n",
      "GET /" + "v3/".repeat(3000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
      "\r\n\r\n\r\n",
      "GET /v3/sessions/ HTTP/1.1\r\nHost: h\r\nx-api-key: " + "k".repeat(9000) + "\r\n\r\n",
    };
    String request = requests[random.nextInt(requests.length)].replace("KEY", key);
    byte[] raw = request.getBytes(StandardCharsets.ISO_8859_1);
    if (random.nextInt(4) == 0) {
      raw = flipBits(raw, 1 + random.nextInt(4));
    }
    return new Case("raw", null, null, null, null, raw);
  }

  // ---- helpers
  // ---------------------------------------------------------------------------------------------------

  private Case multipartCase(String kind, String path, Multipart form) {
    return new Case(kind, "POST", path, form.contentType(), form.bytes(), null);
  }

  private byte[] flipBits(byte[] data, int flips) {
    byte[] d = data.clone();
    for (int i = 0; i < flips && d.length > 0; i++) {
      int at = random.nextInt(d.length);
      d[at] ^= (byte) (1 << random.nextInt(8));
    }
    return d;
  }

  private byte[] overwrite(byte[] data, int at, byte[] with) {
    byte[] d = data.clone();
    System.arraycopy(with, 0, d, at, Math.min(with.length, d.length - at));
    return d;
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A PNG whose IHDR declares {@code w} x {@code h} (a dimension bomb when large), with one tiny IDAT. */
  private static byte[] pngClaiming(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(
        out,
        "IDAT",
        new byte[] {0x78, 0x01, 0x01, 0x00, 0x00, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 1});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** 48x48 JPEG, PNG and TIFF versions of each photo (small, so a mutation that still decodes stays cheap). */
  private static List<byte[]> baseImages(List<Path> photos) {
    List<byte[]> out = new ArrayList<>();
    try {
      for (Path p : photos) {
        BufferedImage src = ImageIO.read(p.toFile());
        BufferedImage small = new BufferedImage(48, 48, BufferedImage.TYPE_3BYTE_BGR);
        small.getGraphics().drawImage(src, 0, 0, 48, 48, null);
        for (String format : new String[] {"jpeg", "png", "tiff"}) {
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          ImageIO.write(small, format, o);
          out.add(o.toByteArray());
        }
      }
      if (ImageBombs.cwebpInstalled()) {
        byte[] webp = ImageBombs.losslessWebp();
        out.add(
            Arrays.copyOf(
                webp, webp.length)); // the attack's file, whole: mutations cut and rewrite it
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }

  static List<Path> photos(Path lfw, int count) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var people = Files.list(lfw)) {
      for (Path person : people.sorted().limit(count).toList()) {
        try (var files = Files.list(person)) {
          files.filter(f -> f.toString().endsWith(".jpg")).sorted().findFirst().ifPresent(out::add);
        }
      }
    }
    return out;
  }
}
