package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.StoredFace;
import io.facesearch.pipeline.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the erasure tests look for in what the service stored ({@link ErasureOnDiskTest}, {@link
 * ErasureOnPostgresTest}): the photos they enroll, and the bytes of an enrolled face's template as the truth stores
 * it (float32, little-endian), to search the raw files for after an erasure.
 */
final class ErasureNeedles {

  private ErasureNeedles() {}

  /** The first photo (by name) of each of the first {@code count} people of {@code lfw-dev}, by name. */
  static List<Path> photos(int count) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> people = Files.list(TestData.file("lfw-dev/images"))) {
      for (Path person : people.sorted().limit(count).toList()) {
        try (Stream<Path> files = Files.list(person)) {
          files.filter(f -> f.toString().endsWith(".jpg")).sorted().findFirst().ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /** The stored template of the one face of {@code sessionId}, as the truth holds its bytes. */
  static byte[] template(TestServer server, String sessionId) {
    List<String> faceIds =
        server
            .services
            .db()
            .read(tx -> server.services.faces().rows().ofSession(tx, sessionId))
            .stream()
            .map(FaceState::faceId)
            .toList();
    List<byte[]> out = new ArrayList<>();
    server
        .services
        .faces()
        .forEachFace(
            faceIds,
            (StoredFace f) -> {
              ByteBuffer b =
                  ByteBuffer.allocate(f.embedding().length * 4).order(ByteOrder.LITTLE_ENDIAN);
              for (float v : f.embedding()) {
                b.putFloat(v);
              }
              out.add(b.array());
            });
    assertEquals(1, out.size(), "one face per enrolled session");
    return out.get(0);
  }
}
