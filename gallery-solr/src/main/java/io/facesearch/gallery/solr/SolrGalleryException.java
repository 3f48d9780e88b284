package io.facesearch.gallery.solr;

/** A call to SolrCloud failed (unreachable, timed out, or refused); the cause says which. */
public final class SolrGalleryException extends RuntimeException {

  public SolrGalleryException(String message, Throwable cause) {
    super(message, cause);
  }
}
