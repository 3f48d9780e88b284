package io.facesearch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the whole pipeline on real photos from ../shared/data (edge_cases.csv, SOURCES.md).
 * Each tolerance is stated where it is used; every failure message names the image.
 */
class FacePipelineGoldenTest {

  /**
   * Cosine threshold for "same person": LFW's FAR 1e-3 operating point measured by
   * {@code facesearch eval lfw} on lfw-dev (0.334, docs/accuracy.md), rounded.
   */
  static final float SAME_PERSON = 0.33f;

  private final FacePipeline pipeline = SharedPipeline.get();
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void finds_the_annotated_faces_of_dlibs_group_photos() throws IOException {
    // dlib's XML boxes are the only real annotations. Tolerance: every annotated face is found (IoU
    // >= 0.3)
    // in each photo except at most one, and at most one detection per photo matches no annotation.
    Map<String, List<float[]>> truth = dlibBoxes();
    List<String> problems = new ArrayList<>();
    for (var entry : truth.entrySet()) {
      List<Detection> found =
          analyze(entry.getKey()).faces().stream().map(Face::detection).toList();
      int matched = 0;
      for (float[] box : entry.getValue()) {
        Detection annotated = new Detection(box[0], box[1], box[0] + box[2], box[1] + box[3], 1f);
        if (found.stream().anyMatch(d -> d.iou(annotated) >= 0.3f)) {
          matched++;
        }
      }
      int missed = entry.getValue().size() - matched;
      int extra = found.size() - matched;
      if (missed > 1 || extra > 1) {
        problems.add(
            entry.getKey()
                + ": "
                + entry.getValue().size()
                + " annotated, "
                + found.size()
                + " found, "
                + missed
                + " missed, "
                + extra
                + " extra");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void counts_the_faces_of_group_photos() {
    // Counts from edge_cases.csv notes (made by eye). Tolerance: exact for 2 to 6 clearly visible
    // faces,
    // within the stated range for vladmandic's "3 to 5" photos.
    Map<String, int[]> expected =
        new TreeMap<>(
            Map.of(
                "face_recognition_examples/examples/two_people.jpg", new int[] {2, 2},
                "face_recognition_examples/examples/knn_examples/test/kit_with_rose.jpg",
                    new int[] {2, 2},
                "deepface_tests/other/couple.jpg", new int[] {2, 2},
                "insightface_samples/python-package/insightface/data/images/t1.jpg",
                    new int[] {6, 6}));
    for (int i = 1; i <= 6; i++) {
      expected.put("vladmandic_face-api_npm/sample" + i + ".jpg", new int[] {3, 5});
    }
    List<String> problems = new ArrayList<>();
    expected.forEach(
        (image, range) -> {
          int n = analyze(image).faces().size();
          if (n < range[0] || n > range[1]) {
            problems.add(image + ": " + n + " faces, expected " + range[0] + ".." + range[1]);
          }
        });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void finds_no_face_on_the_no_face_images() {
    // Tolerance: the two known false detections (a baboon's face and a dog's, both animal faces)
    // are
    // listed; every other no_face image must give zero faces.
    Set<String> knownAnimalFaces =
        Set.of("opencv-doc_examples/no_face/baboon.jpg", "dlib_examples_faces/dogs.jpg");
    List<String> problems = new ArrayList<>();
    for (TestData.EdgeCase c : TestData.edgeCases("no_face")) {
      if (c.tags().contains("masked_face") || knownAnimalFaces.contains(c.path())) {
        continue;
      }
      int n = analyze(c.path()).faces().size();
      if (n != 0) {
        problems.add(c.path() + ": " + n + " faces");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void finds_the_face_on_exif_rotated_photos_without_turning_them() {
    List<String> problems = new ArrayList<>();
    for (TestData.EdgeCase c : TestData.edgeCases("exif_orientation")) {
      Analysis a = analyze(c.path());
      if (a.faces().size() != 1
          || a.bestAngle() != 0
          || a.largestFace().detection().confidence() < 0.9f) {
        problems.add(c.path() + ": " + a.faces().size() + " faces, angle " + a.bestAngle());
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void rotation_search_finds_no_face_in_turned_no_face_images_and_leaves_upright_faces_upright() {
    // Tolerance: among the no_face images, only the two known animal faces (found unturned, above)
    // and a squirrel
    // that the detector takes for a face at 180 degrees (0.996) may give faces; every single_face
    // photo keeps
    // best_angle 0. Before turnedWins (the most confident angle won), 5 more no_face images gave a
    // face (a dog
    // at 0.73 among them) and 8 single_face photos were turned.
    Set<String> allowed =
        Set.of(
            "opencv-doc_examples/no_face/baboon.jpg",
            "dlib_examples_faces/dogs.jpg",
            "opencv-doc_examples/no_face/squirrel_cls.jpg");
    List<String> problems = new ArrayList<>();
    for (TestData.EdgeCase c : TestData.edgeCases("no_face")) {
      Analysis a = pipeline.analyze(decode(c.path()), true);
      if (!a.faces().isEmpty()
          && !allowed.contains(c.path())
          && !c.tags().contains("masked_face")) {
        problems.add(
            c.path() + ": " + a.faces().size() + " faces at " + a.bestAngle() + " degrees");
      }
    }
    for (TestData.EdgeCase c : TestData.edgeCases("single_face")) {
      Analysis a = pipeline.analyze(decode(c.path()), true);
      if (a.bestAngle() != 0) {
        problems.add(c.path() + ": upright photo turned " + a.bestAngle() + " degrees");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void rotation_search_reports_the_angle_that_makes_the_face_upright() {
    // derived/rotated/*_rotXccw.jpg were turned X degrees counter-clockwise, so turning them X
    // degrees
    // clockwise makes them upright: best_angle = X. insightface's rot_X / rX are turned clockwise:
    // 360 - X.
    // Tolerance: all insightface photos and at least 76 of the 78 derived ones (one known miss,
    // id11/img30_rot90ccw, answers 180).
    Pattern derived = Pattern.compile("_rot(\\d+)ccw\\.jpg$");
    Pattern insight = Pattern.compile("/(?:rot_|r)(\\d+)\\.jpg$");
    List<String> misses = new ArrayList<>();
    int derivedTotal = 0;
    int derivedMisses = 0;
    for (TestData.EdgeCase c : TestData.edgeCases("rotated")) {
      Matcher d = derived.matcher(c.path());
      Matcher i = insight.matcher(c.path());
      int expected;
      if (d.find()) {
        expected = Integer.parseInt(d.group(1));
        derivedTotal++;
      } else if (i.find()) {
        expected = (360 - Integer.parseInt(i.group(1))) % 360;
      } else {
        continue;
      }
      BgrImage image = decode(c.path());
      int angle = pipeline.analyze(image, true).bestAngle();
      if (angle != expected) {
        misses.add(c.path() + ": best_angle " + angle + ", expected " + expected);
        if (d.reset().find()) {
          derivedMisses++;
        } else {
          fail(String.join("\n", misses));
        }
      }
    }
    assertEquals(78, derivedTotal, "derived rotated photos");
    assertTrue(derivedMisses <= 2, String.join("\n", misses));
  }

  @Test
  void same_people_score_above_and_different_people_below_the_threshold() throws IOException {
    // deepface's 13 labelled identities (61 photos). Tolerance: at least 97% of same-person pairs
    // at or
    // above SAME_PERSON (measured 137/140: the misses all involve id13/img41, a two-face photo
    // whose larger
    // face is someone else), and at most 1% of different-person pairs above it (measured 11/1,690,
    // all
    // look-alike pairs: Matt Damon / Leonardo DiCaprio and Scarlett Johansson / Marissa Mayer).
    Map<String, List<float[]>> byIdentity = new TreeMap<>();
    for (String line :
        Files.readAllLines(TestData.file("deepface_tests/identities.csv")).subList(1, 62)) {
      String[] cols = line.split(",");
      Analysis a = analyze("deepface_tests/" + cols[0]);
      assertTrue(a.hasFace(), cols[0] + ": no face");
      byIdentity
          .computeIfAbsent(cols[1], k -> new ArrayList<>())
          .add(a.largestFace().embedding().vector());
    }
    int genuine = 0, genuineAbove = 0, impostor = 0, impostorAbove = 0;
    List<String> ids = new ArrayList<>(byIdentity.keySet());
    for (int x = 0; x < ids.size(); x++) {
      List<float[]> a = byIdentity.get(ids.get(x));
      for (int i = 0; i < a.size(); i++) {
        for (int j = i + 1; j < a.size(); j++) {
          genuine++;
          genuineAbove += dot(a.get(i), a.get(j)) >= SAME_PERSON ? 1 : 0;
        }
      }
      for (int y = x + 1; y < ids.size(); y++) {
        for (float[] u : a) {
          for (float[] v : byIdentity.get(ids.get(y))) {
            impostor++;
            impostorAbove += dot(u, v) >= SAME_PERSON ? 1 : 0;
          }
        }
      }
    }
    System.out.printf(
        "same person: %d/%d at or above %.2f; different people: %d/%d above%n",
        genuineAbove, genuine, SAME_PERSON, impostorAbove, impostor);
    assertTrue(
        genuineAbove >= 0.97 * genuine,
        "same-person pairs above threshold: " + genuineAbove + "/" + genuine);
    assertTrue(
        impostorAbove <= 0.01 * impostor,
        "different-person pairs above threshold: " + impostorAbove + "/" + impostor);
  }

  @Test
  void embeddings_are_unit_length_and_carry_the_model_id() {
    Face face = analyze("face_recognition_examples/examples/obama.jpg").largestFace();
    float[] v = face.embedding().vector();
    assertEquals(512, v.length);
    assertEquals(1.0, dot(v, v), 1e-4);
    assertTrue(
        face.embedding().modelId().matches("fr_feature@sha256:[0-9a-f]{12}/bgr"),
        face.embedding().modelId());
  }

  /** Approximate age of each labelled person in the shared photos (public birth years, photo era), +- 5 years. */
  static final Map<String, Integer> EVIDENT_AGE =
      Map.ofEntries(
          Map.entry("obama", 50),
          Map.entry("biden", 68),
          Map.entry("kit_harington", 30),
          Map.entry("rose_leslie", 29),
          Map.entry("alex_lacamoire", 42),
          Map.entry("lin_manuel_miranda", 36),
          Map.entry("sheldon", 37),
          Map.entry("howard", 30),
          Map.entry("leonard", 35),
          Map.entry("raj", 29),
          Map.entry("penny", 25),
          Map.entry("amy", 35),
          Map.entry("bernadette", 30),
          Map.entry("stuart", 40));

  static final Set<String> WOMEN = Set.of("rose_leslie", "penny", "amy", "bernadette");

  @Test
  void estimates_age_and_gender_of_the_labelled_people() {
    // SSR-Net is a small model; these are coarse golden figures over the 67 single-face photos of
    // the 14
    // labelled people (measured: age MAE 8.9 years, gender right 57 of 73 with face_recognition's
    // 11
    // identities included). Tolerance: age MAE at most 10 years, gender right in at least 70%.
    double ageError = 0;
    int n = 0;
    int genderRight = 0;
    for (TestData.EdgeCase c : TestData.edgeCases("single_face")) {
      Integer age = EVIDENT_AGE.get(c.identity());
      if (age == null) {
        continue;
      }
      Analysis a = analyze(c.path());
      if (!a.hasFace()) {
        continue; // tight 150 px crops (face-api.js) can lose the face at the detector's 0.7 cut
      }
      var estimate = a.largestFace().ageGender();
      assertTrue(
          estimate.ageText().matches("\\d+\\.\\d"), c.path() + ": age text " + estimate.ageText());
      ageError += Math.abs(estimate.age() - age);
      n++;
      boolean female = WOMEN.contains(c.identity());
      genderRight += (estimate.gender().wireName().equals(female ? "female" : "male")) ? 1 : 0;
    }
    System.out.printf(
        "age MAE %.1f years over %d photos; gender right %d/%d%n", ageError / n, n, genderRight, n);
    assertTrue(n >= 60, "labelled photos found: " + n);
    assertTrue(ageError / n <= 10.0, "age MAE " + ageError / n);
    assertTrue(genderRight >= 0.70 * n, "gender right " + genderRight + "/" + n);
  }

  @Test
  void one_pipeline_gives_identical_answers_to_concurrent_callers() throws Exception {
    BgrImage image = decode("insightface_samples/python-package/insightface/data/images/t1.jpg");
    Analysis reference = pipeline.analyze(image, false);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 3; i++) {
                      Analysis a = pipeline.analyze(image, false);
                      if (a.faces().size() != reference.faces().size()
                          || !java.util.Arrays.equals(
                              a.largestFace().embedding().vector(),
                              reference.largestFace().embedding().vector())) {
                        errors.add(new AssertionError("different answer under concurrency"));
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(errors.isEmpty(), errors.toString());
  }

  private Analysis analyze(String path) {
    return pipeline.analyze(decode(path), false);
  }

  private BgrImage decode(String path) {
    try {
      return decoder.decode(TestData.bytes(path));
    } catch (ImageRejectedException e) {
      throw new AssertionError(path + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, List<float[]>> dlibBoxes() throws IOException {
    Map<String, List<float[]>> boxes = new TreeMap<>();
    Pattern image = Pattern.compile("<image file='([^']+)'");
    Pattern box = Pattern.compile("<box top='(\\d+)' left='(\\d+)' width='(\\d+)' height='(\\d+)'");
    for (String xml : new String[] {"training.xml", "testing.xml"}) {
      String current = null;
      for (String line : Files.readAllLines(TestData.file("dlib_examples_faces/" + xml))) {
        Matcher im = image.matcher(line);
        Matcher b = box.matcher(line);
        if (im.find()) {
          current = "dlib_examples_faces/" + im.group(1);
        } else if (b.find() && current != null) {
          boxes
              .computeIfAbsent(current, k -> new ArrayList<>())
              .add(
                  new float[] {
                    Float.parseFloat(b.group(2)),
                    Float.parseFloat(b.group(1)),
                    Float.parseFloat(b.group(3)),
                    Float.parseFloat(b.group(4))
                  });
        }
      }
    }
    return boxes;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
