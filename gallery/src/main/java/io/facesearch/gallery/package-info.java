/**
 * Where enrolled faces live and where every 1:N search looks: the {@link io.facesearch.gallery.Gallery} contract,
 * its two implementations, and the repair of a gallery against the truth.
 *
 * <h2>Parts</h2>
 * <ul>
 * <li>{@link io.facesearch.gallery.Gallery}: add, remove, update flags, search, count, rebuild, and
 *     {@link io.facesearch.gallery.Gallery#forEachState} (each face's id, flags and model id). A search is a
 *     {@link io.facesearch.gallery.GalleryQuery}: a probe vector, the id of the model that made it, k, a minimum
 *     similarity and a {@link io.facesearch.gallery.GalleryFilter}; only faces of the same model id are ever
 *     compared.</li>
 * <li>{@link io.facesearch.gallery.GalleryTruth}: the durable source of truth (a SQL table in the server), streamed.
 *     </li>
 * <li>{@link io.facesearch.gallery.GalleryReconciler}: makes any gallery agree with the truth after missed writes,
 *     through the contract only. A gallery's own format (layout version, unreadable files) is the gallery's
 *     business: {@link io.facesearch.gallery.LuceneGallery#open} rebuilds such an index.</li>
 * <li>{@link io.facesearch.gallery.ExactGallery}: brute force in memory; the oracle of the tests and the baseline of
 *     the benchmark.</li>
 * <li>{@link io.facesearch.gallery.LuceneGallery}: the product's gallery, one Lucene index (layout in
 *     {@link io.facesearch.gallery.GalleryIndexLayout}), lifecycle, striped writes and background commit;
 *     {@link io.facesearch.gallery.ExactRerank} is its last step as pure functions.</li>
 * </ul>
 *
 * <h2>The stages of a LuceneGallery search, and their contract</h2>
 * <ol>
 * <li><b>Filter.</b> The tenant's scope term and the query's model term, applied inside the scan (a clause that
 *     provably matches every document is dropped: no filter at all for one tenant of one model, all
 *     searchable).</li>
 * <li><b>Sketch scan</b> ({@link io.facesearch.gallery.sketch}): of every accepted face, keeps the best
 *     {@code searchCandidates} by a cheap estimate, re-scores them with byte vectors and scores the best
 *     {@code k + 16} of those with their 12-bit copies. These {@code k + 16} are <em>collected</em>, each with a
 *     score within {@link io.facesearch.gallery.sketch.SketchScanVectorsFormat#fineScoreError} {@code E}
 *     (0.00025 for 512-d) of the float32 dot product: the <em>error bound</em>. The 16 hold the hits whose byte
 *     score is close to the k-th (the finer score may reorder those) and ties with it.</li>
 * <li><b>Boundary re-score</b> ({@link io.facesearch.gallery.ExactRerank#onABoundary}): only the collected hits
 *     whose score cannot tell on which side of a boundary they are (within {@code E} of the minimum similarity,
 *     or within {@code 2E} of the k-th best when another hit is too) are re-scored with the stored float32
 *     vectors, so which faces match, and which are the best k, is decided by the exact similarity.</li>
 * <li><b>Best k</b> ({@link io.facesearch.gallery.ExactRerank#ranked}): at or above the minimum, best first, ties
 *     broken by face id as in {@link io.facesearch.gallery.ExactGallery}.</li>
 * </ol>
 * What can differ from exact search is only which faces the sketch scan's estimate keeps among its candidates
 * (recall@10 about 0.99 at a million faces, docs/performance.md); the similarities reported are within {@code E}.
 */
package io.facesearch.gallery;
