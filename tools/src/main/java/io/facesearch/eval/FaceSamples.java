package io.facesearch.eval;

import io.facesearch.embed.FaceEmbedder;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.FaceQuality;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The largest face of every photo of an LFW-style folder, as the product's pipeline sees it: its embedding, the
 * embedding of its mirror image (for flip test-time augmentation, computed by the product's {@link FaceEmbedder}
 * with flip on), and the quality measures of {@link FaceQuality}. Embedding thousands of photos takes minutes, so
 * the result can be kept in a cache file, keyed by the embedding model id, the pipeline's code (a change to decoding,
 * detection or alignment changes the embeddings as surely as a new model) and the photos' paths and sizes. The
 * cache holds embeddings (biometric data): it lives outside the repository and is never printed.
 */
public final class FaceSamples {

  /** One photo: {@code plain} is null when no face was found. */
  public record Sample(
      String path, String person, float[] plain, float[] flipped, FaceQuality.Measures quality) {

    public boolean hasFace() {
      return plain != null;
    }

    /** The embedding the product makes ({@code flip} false) or its flip-TTA variant. */
    public float[] embedding(boolean flip) {
      return flip ? flipped : plain;
    }
  }

  private static final int MAGIC = 0x46534331; // "FSC1"

  private FaceSamples() {}

  /** Every {@code <Name>/<file>.jpg} under {@code dir}, sorted. */
  public static List<String> listImages(Path dir) throws IOException {
    List<String> images = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir, 2)) {
      files
          .filter(p -> p.toString().endsWith(".jpg"))
          .sorted()
          .forEach(p -> images.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    return images;
  }

  /**
   * The samples of every image under {@code dir}, read from {@code cache} when it holds them for this model and
   * these files, else embedded with {@code threads} threads and written to {@code cache} (when not null).
   */
  public static List<Sample> load(
      FacePipeline pipeline,
      FaceEmbedder flipEmbedder,
      Path dir,
      Path cache,
      int threads,
      PrintStream log)
      throws IOException, InterruptedException {
    List<String> images = listImages(dir);
    long fingerprint = fingerprint(dir, images);
    String key = pipeline.embeddingModelId() + "|" + flipEmbedder.modelId() + "|" + pipelineCode();
    if (cache != null && Files.isRegularFile(cache)) {
      List<Sample> cached = read(cache, key, fingerprint);
      if (cached != null) {
        log.printf("read %d embedded photos from the cache %s%n", cached.size(), cache);
        return cached;
      }
      log.println("the cache is for other photos or another model: embedding again");
    }
    List<Sample> samples = embedAll(pipeline, flipEmbedder, dir, images, threads, log);
    if (cache != null) {
      write(cache, key, fingerprint, samples);
      log.printf("wrote the cache %s%n", cache);
    }
    return samples;
  }

  private static List<Sample> embedAll(
      FacePipeline pipeline,
      FaceEmbedder flipEmbedder,
      Path dir,
      List<String> images,
      int threads,
      PrintStream log)
      throws InterruptedException {
    Sample[] out = new Sample[images.size()];
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ImageDecoder decoder = new ImageDecoder();
    long start = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        int k = i;
        futures.add(
            pool.submit(
                () -> {
                  out[k] = embed(pipeline, flipEmbedder, decoder, dir, images.get(k));
                  int d = done.incrementAndGet();
                  if (d % 500 == 0) {
                    log.printf(
                        "  embedded %d/%d photos (%.0f s)%n",
                        d, images.size(), (System.nanoTime() - start) / 1e9);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdown();
    }
    return List.of(out);
  }

  private static Sample embed(
      FacePipeline pipeline,
      FaceEmbedder flipEmbedder,
      ImageDecoder decoder,
      Path dir,
      String image) {
    String person = LfwPairs.person(image);
    try {
      BgrImage photo = decoder.decode(Files.readAllBytes(dir.resolve(image)));
      Analysis analysis = pipeline.analyze(photo, false);
      if (!analysis.hasFace()) {
        return new Sample(image, person, null, null, null);
      }
      Face face = analysis.largestFace();
      float[] flipped =
          flipEmbedder
              .embed(pipeline.aligner().align(photo, face.landmarks().fivePoints()))
              .vector();
      return new Sample(
          image, person, face.embedding().vector(), flipped, FaceQuality.measure(photo, face));
    } catch (IOException | ImageRejectedException e) {
      return new Sample(image, person, null, null, null);
    }
  }

  /**
   * SHA-256 (first 16 hex digits) of the code that turns a photo into an embedding: the vision jar, or its compiled
   * classes when run from a build tree.
   */
  static String pipelineCode() throws IOException {
    try {
      Path code =
          Path.of(FacePipeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(code)) {
        return digest(code);
      }
      try (FileSystem jar =
          FileSystems.newFileSystem(code)) { // the entries, not the jar's bytes with their dates
        return digest(jar.getPath("/"));
      }
    } catch (URISyntaxException | NoSuchAlgorithmException e) {
      throw new IOException("cannot locate the pipeline's code: " + e.getMessage(), e);
    }
  }

  private static String digest(Path root) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(f -> f.toString().endsWith(".class")).sorted().toList();
    }
    for (Path file : files) {
      sha.update(root.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
      sha.update(Files.readAllBytes(file));
    }
    return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
  }

  private static long fingerprint(Path dir, List<String> images) throws IOException {
    long h = 1125899906842597L;
    for (String image : images) {
      h = 31 * h + image.hashCode();
      h = 31 * h + Files.size(dir.resolve(image));
    }
    return h;
  }

  private static List<Sample> read(Path cache, String key, long fingerprint) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(cache), 1 << 16))) {
      if (in.readInt() != MAGIC || !in.readUTF().equals(key) || in.readLong() != fingerprint) {
        return null;
      }
      int n = in.readInt();
      List<Sample> samples = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String path = in.readUTF();
        if (!in.readBoolean()) {
          samples.add(new Sample(path, LfwPairs.person(path), null, null, null));
          continue;
        }
        float[] plain = readVector(in);
        float[] flipped = readVector(in);
        FaceQuality.Measures q =
            new FaceQuality.Measures(
                in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat());
        samples.add(new Sample(path, LfwPairs.person(path), plain, flipped, q));
      }
      return samples;
    }
  }

  private static float[] readVector(DataInputStream in) throws IOException {
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  private static void write(Path cache, String key, long fingerprint, List<Sample> samples)
      throws IOException {
    Files.createDirectories(cache.toAbsolutePath().getParent());
    Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeUTF(key);
      out.writeLong(fingerprint);
      out.writeInt(samples.size());
      for (Sample s : samples) {
        out.writeUTF(s.path());
        out.writeBoolean(s.hasFace());
        if (s.hasFace()) {
          writeVector(out, s.plain());
          writeVector(out, s.flipped());
          FaceQuality.Measures q = s.quality();
          out.writeFloat(q.faceWidth());
          out.writeFloat(q.sharpness());
          out.writeFloat(q.yaw());
          out.writeFloat(q.confidence());
        }
      }
    }
    Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeVector(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) {
      out.writeFloat(x);
    }
  }

  /** Samples by person, in the order given. */
  public static Map<String, List<Sample>> byPerson(List<Sample> samples) {
    Map<String, List<Sample>> out = new java.util.TreeMap<>();
    for (Sample s : samples) {
      out.computeIfAbsent(s.person(), p -> new ArrayList<>()).add(s);
    }
    return out;
  }

  static Map<String, Sample> byPath(List<Sample> samples) {
    Map<String, Sample> out = new HashMap<>();
    for (Sample s : samples) {
      out.put(s.path(), s);
    }
    return out;
  }
}
