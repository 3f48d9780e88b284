package io.facesearch.image;

import java.io.IOException;
import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An in-memory {@link javax.imageio.stream.ImageInputStream} that bounds the work a decoder can do with it: reads
 * fail with an {@link IIOException} once a deadline has passed, and once the decoder has asked for bytes past the
 * end more than {@link #MAX_READS_PAST_END} times.
 *
 * <p>The second bound is what stops a decoder spinning on a truncated file: TwelveMonkeys' lossless WebP decoder
 * catches each {@link java.io.EOFException} and asks again (94 CPU-seconds on a 138-byte file). Throwing an
 * {@code IIOException} instead, which it does not catch, ends the decode at once. The deadline bounds any other
 * loop that keeps reading.
 */
final class BoundedImageInputStream extends ImageInputStreamImpl {

  /** Reads past the end tolerated: decoders peek a little past the end of valid files. */
  static final int MAX_READS_PAST_END = 4096;

  private static final int CLOCK_EVERY =
      1024; // reads between deadline checks (nanoTime on every byte costs)

  private final byte[] data;
  private final long deadlineNanos;
  private int readsPastEnd;
  private int untilClock = CLOCK_EVERY;

  BoundedImageInputStream(byte[] data, long deadlineNanos) {
    this.data = data;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    if (!budget()) {
      return -1;
    }
    return data[(int) streamPos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    if (off < 0 || len < 0 || off + len > b.length) {
      throw new IndexOutOfBoundsException();
    }
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (!budget()) {
      return -1;
    }
    int n = (int) Math.min(len, data.length - streamPos);
    System.arraycopy(data, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  /** False at the end of the data; throws once a bound is passed. */
  private boolean budget() throws IIOException {
    if (--untilClock <= 0) {
      untilClock = CLOCK_EVERY;
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new IIOException("decode deadline passed");
      }
    }
    if (streamPos >= data.length) {
      if (++readsPastEnd > MAX_READS_PAST_END) {
        throw new IIOException("decoder kept reading past the end of the data");
      }
      return false;
    }
    return true;
  }

  @Override
  public long length() {
    return data.length;
  }

  @Override
  public void seek(long pos) throws IOException {
    checkClosed();
    if (pos < flushedPos) {
      throw new IndexOutOfBoundsException("pos < flushedPos");
    }
    bitOffset = 0;
    streamPos = pos; // past the end is allowed; reads there return -1
  }
}
