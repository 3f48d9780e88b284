package io.facesearch.images;

import io.facesearch.store.StoreException;
import io.facesearch.store.Tx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The embedded default {@link ImageStore}: files {@code <data>/images/<application id>/<owner id>.jpg}. A save writes
 * the file at once (atomically: temporary file, then rename) and deletes it if the transaction rolls back; a delete
 * removes the file after the transaction commits.
 */
public final class FileImageStore implements ImageStore {

  private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
  private final Path root;

  public FileImageStore(Path dataDir) {
    this.root = dataDir.resolve("images");
  }

  @Override
  public String save(Tx tx, String applicationId, String ownerId, byte[] jpeg) {
    Path file = file(applicationId, ownerId);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "upload", ".tmp");
      Files.write(tmp, jpeg);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StoreException("cannot write face image", e);
    }
    tx.afterRollback(() -> deleteFile(file));
    return file.getFileName().toString();
  }

  @Override
  public Optional<byte[]> read(String applicationId, String ownerId) {
    Path file = file(applicationId, ownerId);
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read face image", e);
    }
  }

  @Override
  public void delete(Tx tx, String applicationId, String ownerId) {
    Path file = file(applicationId, ownerId);
    tx.afterCommit(() -> deleteFile(file));
  }

  /** The file of the owner's image (which may not exist); fails on an id that is not a UUID. */
  public Path file(String applicationId, String ownerId) {
    if (!ID.matcher(applicationId).matches() || !ID.matcher(ownerId).matches()) {
      throw new IllegalArgumentException("not an id");
    }
    return root.resolve(applicationId).resolve(ImageStore.fileName(ownerId));
  }

  private static void deleteFile(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new StoreException("cannot delete face image", e);
    }
  }
}
