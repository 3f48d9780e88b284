package io.facesearch.gallery.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real embeddings with the person each shows, in photo order: the source of the benchmark's mated pairs and of the
 * face-like {@link Background}. Cached in a file so that a benchmark need not run the face pipeline again.
 *
 * <p>File layout (big-endian, {@link DataOutputStream}): the magic {@code "facesearch-embeddings-v1"} (UTF),
 * the model id (UTF), the count n and the dimensions d (ints), then n times: the person (UTF) and d floats.
 */
public record LabelledEmbeddings(String modelId, List<String> people, List<float[]> vectors) {

  private static final String MAGIC = "facesearch-embeddings-v1";

  public LabelledEmbeddings {
    if (people.size() != vectors.size()) {
      throw new IllegalArgumentException("one person per vector");
    }
    people = List.copyOf(people);
    vectors = List.copyOf(vectors);
  }

  /** The first two embeddings of every person who has two, at most {@code max} pairs: first probe, second mate. */
  public List<MatedPair> matedPairs(int max) {
    List<MatedPair> pairs = new ArrayList<>();
    for (List<float[]> photos : byPerson().values()) {
      if (pairs.size() == max) {
        break;
      }
      if (photos.size() >= 2) {
        pairs.add(new MatedPair(photos.get(0), photos.get(1)));
      }
    }
    return pairs;
  }

  /** The first embedding of every person: all their pairs are impostor pairs. */
  public List<float[]> onePerPerson() {
    return byPerson().values().stream().map(List::getFirst).toList();
  }

  private Map<String, List<float[]>> byPerson() {
    Map<String, List<float[]>> byPerson = new LinkedHashMap<>();
    for (int i = 0; i < vectors.size(); i++) {
      byPerson.computeIfAbsent(people.get(i), p -> new ArrayList<>()).add(vectors.get(i));
    }
    return byPerson;
  }

  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeUTF(MAGIC);
      out.writeUTF(modelId);
      out.writeInt(vectors.size());
      out.writeInt(vectors.isEmpty() ? 0 : vectors.getFirst().length);
      for (int i = 0; i < vectors.size(); i++) {
        out.writeUTF(people.get(i));
        for (float x : vectors.get(i)) {
          out.writeFloat(x);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  public static LabelledEmbeddings read(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new IOException(file + " is not a " + MAGIC + " file");
      }
      String modelId = in.readUTF();
      int n = in.readInt();
      int d = in.readInt();
      List<String> people = new ArrayList<>(n);
      List<float[]> vectors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        people.add(in.readUTF());
        float[] v = new float[d];
        for (int j = 0; j < d; j++) {
          v[j] = in.readFloat();
        }
        vectors.add(v);
      }
      return new LabelledEmbeddings(modelId, people, vectors);
    }
  }
}
