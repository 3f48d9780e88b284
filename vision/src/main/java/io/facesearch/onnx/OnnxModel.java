package io.facesearch.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * One loaded ONNX model: a CPU {@link OrtSession} with a single float input named {@code input}.
 *
 * <p>Loaded once at start and shared: ONNX Runtime sessions are safe for concurrent {@code run} calls.
 * {@link #id()} names the file and the first 12 hex digits of its SHA-256, so that anything computed with
 * the model (an embedding, say) can say exactly which model made it.
 *
 * <p>Denormal weights are zeroed before the session is built ({@link Denormals#FLUSH}, see
 * {@link DenormalWeights}) and the session sets ONNX Runtime's {@code session.set_denormal_as_zero}, which
 * covers denormals that arise inside its own threads. The id stays that of the file as published: the
 * embeddings are unchanged for every decision (cosine >= 0.9999 against the unflushed model on every lfw-dev
 * photo, {@code DenormalFlushTest}), so faces stored before the change need no reindex.
 */
public final class OnnxModel implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String id;
  private final int flushedWeights;

  /** What to do with denormal float weights: the product always flushes; {@code KEEP} is for comparison. */
  public enum Denormals {
    FLUSH,
    KEEP
  }

  private OnnxModel(OrtEnvironment env, OrtSession session, String id, int flushedWeights) {
    this.env = env;
    this.session = session;
    this.id = id;
    this.flushedWeights = flushedWeights;
  }

  /** Loads {@code file}; {@code intraOpThreads} is ONNX Runtime's thread count within one call (1 = one core). */
  public static OnnxModel load(Path file, int intraOpThreads) throws IOException {
    return load(file, intraOpThreads, Denormals.FLUSH);
  }

  /** As {@link #load(Path, int)}, choosing what happens to denormal weights. */
  public static OnnxModel load(Path file, int intraOpThreads, Denormals denormals)
      throws IOException {
    OnnxNativeLibraries
        .prepare(); // a fixed folder for the native library, not a new /tmp folder per start
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      byte[] bytes = Files.readAllBytes(file);
      String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
      String id = name + "@sha256:" + sha256Prefix(bytes);
      int flushed = 0;
      if (denormals == Denormals.FLUSH) {
        options.addConfigEntry("session.set_denormal_as_zero", "1");
        flushed = DenormalWeights.flush(bytes);
      }
      return new OnnxModel(env, env.createSession(bytes, options), id, flushed);
    } catch (OrtException | IllegalArgumentException e) {
      throw new IOException("cannot load ONNX model " + file + ": " + e.getMessage(), e);
    }
  }

  /** File name without extension, {@code @sha256:}, and the first 12 hex digits of the file's SHA-256. */
  public String id() {
    return id;
  }

  /** The shape of the model's input, with a free dimension (the batch) taken as 1. */
  public long[] inputShape() {
    try {
      long[] shape =
          ((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape().clone();
      for (int i = 0; i < shape.length; i++) {
        shape[i] = Math.max(shape[i], 1);
      }
      return shape;
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot read the input shape of " + id + ": " + e.getMessage(), e);
    }
  }

  /** The names of the model's outputs, in the model's order. */
  public String[] outputNames() {
    return session.getOutputNames().toArray(String[]::new);
  }

  /** How many denormal weights were zeroed at load (0 with {@link Denormals#KEEP}). */
  public int flushedWeights() {
    return flushedWeights;
  }

  /**
   * Runs the model on one NCHW float tensor and returns the named outputs, flattened, in the order asked.
   *
   * @throws IllegalStateException if ONNX Runtime fails, which for a fixed, checked model means a bug
   */
  public float[][] run(float[] input, long[] shape, String... outputs) {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of("input", tensor), Set.of(outputs))) {
      float[][] flat = new float[outputs.length][];
      for (int i = 0; i < outputs.length; i++) {
        OnnxTensor out = (OnnxTensor) result.get(outputs[i]).orElseThrow();
        FloatBuffer buffer = out.getFloatBuffer();
        flat[i] = new float[buffer.remaining()];
        buffer.get(flat[i]);
      }
      return flat;
    } catch (OrtException e) {
      throw new IllegalStateException("inference failed in " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256Prefix(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
