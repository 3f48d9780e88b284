package io.facesearch.gallery.bench;

import io.facesearch.gallery.solr.SolrGallery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HNSW build parameters of the Solr gallery's vector field, as {@code bench gallery --solr-hnsw M/BEAM} sets
 * them for one run: the shipped configset's {@code schema.xml} with its {@code hnswMaxConnections} and {@code
 * hnswBeamWidth} replaced, everything else as shipped. For measuring candidates before a new configset version is
 * shipped; the product always uses the shipped one.
 *
 * @param maxConnections Lucene's M: links per node of the graph
 * @param beamWidth      the candidate list while a node is inserted (Lucene's beamWidth, efConstruction)
 */
public record SolrHnsw(int maxConnections, int beamWidth) {

  private static final Pattern SHIPPED_PARAMETERS =
      Pattern.compile("hnswMaxConnections=\"(\\d+)\" hnswBeamWidth=\"(\\d+)\"");

  public SolrHnsw {
    // Lucene's own bounds (Lucene99HnswVectorsFormat): M up to 512, beam up to 3200.
    if (maxConnections < 2 || maxConnections > 512) {
      throw new IllegalArgumentException("M must be within 2-512, got " + maxConnections);
    }
    if (beamWidth < 1 || beamWidth > 3200) {
      throw new IllegalArgumentException("beam width must be within 1-3200, got " + beamWidth);
    }
  }

  /** {@code M/BEAM}, e.g. {@code 32/200}. */
  public static SolrHnsw parse(String text) {
    String[] parts = text.strip().split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected M/BEAM, e.g. 32/200, got '" + text + "'");
    }
    try {
      return new SolrHnsw(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected M/BEAM, e.g. 32/200, got '" + text + "'", e);
    }
  }

  /** The parameters of the shipped configset's schema. */
  public static SolrHnsw shipped() {
    Matcher m = SHIPPED_PARAMETERS.matcher(shippedFile("schema.xml"));
    if (!m.find()) {
      throw new IllegalStateException(
          "the shipped schema.xml has no hnswMaxConnections/hnswBeamWidth");
    }
    return new SolrHnsw(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** The shipped {@code schema.xml} with these parameters. */
  public String schema() {
    String shipped = shippedFile("schema.xml");
    Matcher m = SHIPPED_PARAMETERS.matcher(shipped);
    if (!m.find()) {
      throw new IllegalStateException(
          "the shipped schema.xml has no hnswMaxConnections/hnswBeamWidth");
    }
    return m.replaceFirst(
        "hnswMaxConnections=\"" + maxConnections + "\" hnswBeamWidth=\"" + beamWidth + "\"");
  }

  @Override
  public String toString() {
    return "HNSW M=" + maxConnections + ", beam " + beamWidth;
  }

  /** A file of the shipped configset, from the gallery-solr jar. */
  public static String shippedFile(String name) {
    try {
      return new String(SolrGallery.configsetFile(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
