package io.facesearch.onnx;

/**
 * Sets the denormal float32 weights of a serialised ONNX model to zero, in place, before ONNX Runtime loads it.
 *
 * <p><b>Why.</b> Four of the six face models carry weights below {@link Float#MIN_NORMAL} (fr_feature 8,938,
 * fr_gender 13,331 of 44,487, fr_landmark 26,567, fr_age 3,308; fr_detect and fr_liveness none). Intel cores
 * multiply denormals in slow microcode: a one-thread session of fr_feature took 63.9 ms instead of 5.5 ms there.
 * ONNX Runtime's session option {@code session.set_denormal_as_zero} sets the CPU's flush-to-zero and
 * denormals-are-zero flags only on its own pool threads and, once per process, on the thread that creates the
 * first session; a one-thread session runs on the caller's thread (a Jetty request thread here), which it does
 * not cover. Zeroing the weights themselves works on every thread and every CPU, and computes what
 * denormals-are-zero would compute for them.
 *
 * <p><b>Format contract</b> (protobuf wire format of {@code onnx.proto3}): {@code ModelProto.graph} (field 7) ->
 * {@code GraphProto.initializer} (5) and {@code node} (1) -> {@code NodeProto.attribute} (5) ->
 * {@code AttributeProto.t} (5), {@code g} (6), {@code tensors} (10), {@code graphs} (11), recursively; in each
 * {@code TensorProto} whose {@code data_type} (2) is FLOAT (1), the little-endian values of {@code raw_data} (9)
 * and of {@code float_data} (4, packed or not). Only value bytes are overwritten, so every length prefix stays
 * valid and the result is the same model with its denormal weights zeroed. Tensors stored outside the file
 * ({@code data_location} EXTERNAL) are not reached; none of our models uses them.
 */
final class DenormalWeights {

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LEN = 2;
  private static final int WIRE_FIXED32 = 5;
  private static final int TENSOR_FLOAT = 1;

  private final byte[] model;
  private int flushed;

  private DenormalWeights(byte[] model) {
    this.model = model;
  }

  /**
   * Zeroes every denormal float32 weight of {@code model} in place.
   *
   * @return how many values were zeroed
   * @throws IllegalArgumentException if the bytes are not a well-formed protobuf message
   */
  static int flush(byte[] model) {
    DenormalWeights pass = new DenormalWeights(model);
    pass.walk(0, model.length, Message.MODEL);
    return pass.flushed;
  }

  /** The messages on the way to the weights, and which of their fields lead further. */
  private enum Message {
    MODEL,
    GRAPH,
    NODE,
    ATTRIBUTE,
    TENSOR
  }

  private void walk(int start, int end, Message message) {
    if (message == Message.TENSOR) {
      flushTensor(start, end);
      return;
    }
    int at = start;
    while (at < end) {
      long key = readVarint(at, end);
      at = next;
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (wire != WIRE_LEN) {
        at = skip(at, end, wire);
        continue;
      }
      int length = checkedLength(readVarint(at, end), next, end);
      int body = next;
      Message inner = child(message, field);
      if (inner != null) {
        walk(body, body + length, inner);
      }
      at = body + length;
    }
  }

  private static Message child(Message parent, int field) {
    return switch (parent) {
      case MODEL -> field == 7 ? Message.GRAPH : null;
      case GRAPH -> field == 5 ? Message.TENSOR : field == 1 ? Message.NODE : null;
      case NODE -> field == 5 ? Message.ATTRIBUTE : null;
      case ATTRIBUTE ->
          field == 5 || field == 10
              ? Message.TENSOR
              : field == 6 || field == 11 ? Message.GRAPH : null;
      case TENSOR -> null;
    };
  }

  private void flushTensor(int start, int end) {
    long dataType = 0;
    int at = start;
    while (at < end) { // the data type may follow the data, so find it first
      long key = readVarint(at, end);
      at = next;
      if ((key >>> 3) == 2 && (key & 7) == WIRE_VARINT) {
        dataType = readVarint(at, end);
      }
      at = skip(at, end, (int) (key & 7));
    }
    if (dataType != TENSOR_FLOAT) {
      return;
    }
    at = start;
    while (at < end) {
      long key = readVarint(at, end);
      at = next;
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (wire == WIRE_LEN && (field == 9 || field == 4)) {
        int length = checkedLength(readVarint(at, end), next, end);
        zeroDenormals(next, next + length - length % 4);
        at = next + length;
      } else if (wire == WIRE_FIXED32 && field == 4) {
        zeroDenormals(at, at + 4);
        at += 4;
      } else {
        at = skip(at, end, wire);
      }
    }
  }

  private void zeroDenormals(int from, int to) {
    for (int i = from; i < to; i += 4) {
      int bits =
          (model[i] & 0xff)
              | (model[i + 1] & 0xff) << 8
              | (model[i + 2] & 0xff) << 16
              | model[i + 3] << 24;
      if ((bits & 0x7f800000) == 0
          && (bits & 0x007fffff) != 0) { // exponent 0, mantissa not 0: denormal
        model[i] = 0;
        model[i + 1] = 0;
        model[i + 2] = 0;
        model[i + 3] = 0;
        flushed++;
      }
    }
  }

  private int next; // where the last readVarint stopped

  private long readVarint(int at, int end) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= end) {
        throw new IllegalArgumentException("truncated varint in ONNX model");
      }
      byte b = model[at++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        next = at;
        return value;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes in ONNX model");
  }

  private int skip(int at, int end, int wire) {
    int to =
        switch (wire) {
          case WIRE_VARINT -> {
            readVarint(at, end);
            yield next;
          }
          case WIRE_FIXED64 -> at + 8;
          case WIRE_LEN -> checkedLength(readVarint(at, end), next, end) + next;
          case WIRE_FIXED32 -> at + 4;
          default ->
              throw new IllegalArgumentException(
                  "unsupported protobuf wire type " + wire + " in ONNX model");
        };
    if (to > end) {
      throw new IllegalArgumentException("protobuf field runs past its message in ONNX model");
    }
    return to;
  }

  private static int checkedLength(long length, int at, int end) {
    if (length < 0 || length > end - at) {
      throw new IllegalArgumentException("protobuf length runs past its message in ONNX model");
    }
    return (int) length;
  }
}
