package io.facesearch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Real photos from an LFW-style folder ({@code <Name>/<Name>_NNNN.jpg}) for a load benchmark.
 *
 * <p>The first {@code mates} people with two or more photos give a mated pair: their first photo is to be
 * enrolled, their second is a query, so that some searches have a true match. The other queries are the first
 * photo of the following people. Queries are preloaded and shuffled with a fixed seed, so that every run sends
 * the same photos in the same order.
 *
 * @param toEnroll photos to enroll, one per mated person
 * @param queries  query photos as JPEG bytes
 */
public record BenchPhotos(List<Path> toEnroll, List<byte[]> queries) {

  private static final long SHUFFLE_SEED = 42;

  public static BenchPhotos load(Path folder, int mates, int queryCount) throws IOException {
    if (mates < 0 || queryCount < 1 || mates > queryCount) {
      throw new IllegalArgumentException(
          "need 0 <= mates <= queries and queries >= 1: " + mates + ", " + queryCount);
    }
    List<Path> people;
    try (Stream<Path> s = Files.list(folder)) {
      people = s.filter(Files::isDirectory).sorted().toList();
    }
    List<Path> toEnroll = new ArrayList<>();
    List<Path> queryFiles = new ArrayList<>();
    for (Path person : people) {
      if (queryFiles.size() >= queryCount) {
        break;
      }
      List<Path> photos = jpegs(person);
      if (photos.isEmpty()) {
        continue;
      }
      if (toEnroll.size() < mates && photos.size() >= 2) {
        toEnroll.add(photos.get(0));
        queryFiles.add(photos.get(1));
      } else if (queryFiles.size() < queryCount - (mates - toEnroll.size())) {
        queryFiles.add(photos.get(0)); // keeps room for the mates still to come
      }
    }
    if (queryFiles.isEmpty()) {
      throw new IllegalArgumentException("no JPEG photos in " + folder);
    }
    Collections.shuffle(queryFiles, new Random(SHUFFLE_SEED));
    List<byte[]> queries = new ArrayList<>(queryFiles.size());
    for (Path file : queryFiles) {
      queries.add(Files.readAllBytes(file));
    }
    return new BenchPhotos(List.copyOf(toEnroll), List.copyOf(queries));
  }

  private static List<Path> jpegs(Path person) throws IOException {
    try (Stream<Path> s = Files.list(person)) {
      return s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".jpg"))
          .sorted()
          .limit(2)
          .toList();
    }
  }
}
