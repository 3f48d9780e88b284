package io.facesearch.images;

import io.facesearch.image.BgrImage;
import io.facesearch.store.StoreException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Face images on disk: {@code <data>/images/<application id>/<session id>.jpg}. Images are stored upright and
 * re-encoded as JPEG, so no upload metadata (EXIF, GPS) is kept.
 */
public final class ImageStore {

  private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
  private final Path root;

  public ImageStore(Path dataDir) {
    this.root = dataDir.resolve("images");
  }

  /** Writes the session's image atomically; returns the file name stored in the session row. */
  public String save(String applicationId, String sessionId, BgrImage image) {
    Path file = file(applicationId, sessionId);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "upload", ".tmp");
      Files.write(tmp, jpeg(image));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file.getFileName().toString();
    } catch (IOException e) {
      throw new StoreException("cannot write face image", e);
    }
  }

  public Optional<byte[]> read(String applicationId, String sessionId) {
    Path file = file(applicationId, sessionId);
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read face image", e);
    }
  }

  public void delete(String applicationId, String sessionId) {
    try {
      Files.deleteIfExists(file(applicationId, sessionId));
    } catch (IOException e) {
      throw new StoreException("cannot delete face image", e);
    }
  }

  public Path file(String applicationId, String sessionId) {
    if (!ID.matcher(applicationId).matches() || !ID.matcher(sessionId).matches()) {
      throw new IllegalArgumentException("not an id");
    }
    return root.resolve(applicationId).resolve(sessionId + ".jpg");
  }

  static byte[] jpeg(BgrImage image) throws IOException {
    BufferedImage img =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    System.arraycopy(
        image.bgr(),
        0,
        ((DataBufferByte) img.getRaster().getDataBuffer()).getData(),
        0,
        image.bgr().length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }
}
