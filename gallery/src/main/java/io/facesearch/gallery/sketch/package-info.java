/**
 * The sketch scan: a Lucene vectors format that holds, beside the float32 vectors, a 1-bit sketch, a byte vector and
 * 4-bit residuals of every vector in memory, and searches by scanning every sketch.
 *
 * <h2>Parts</h2>
 * <ul>
 * <li>{@link io.facesearch.gallery.sketch.SketchScanVectorsFormat}: the format and its files (the writer and
 *     reader); {@code SketchCodec} is what they share, the persisted encoding of a vector.</li>
 * <li>{@code BinarySketches}: one segment's arrays, and the search over them, orchestrating the parts below.</li>
 * <li>{@code SketchQuery}: a query prepared for a segment, and the scores of the four stages.</li>
 * <li>{@code TopKeys}: the shortlist each scanning thread keeps, and the selection of the best.</li>
 * <li>{@link io.facesearch.gallery.sketch.ParallelScan}: the helper threads, owned by a gallery (started when it
 *     opens, stopped when it closes, sized by its configuration), handed to a search by its
 *     {@link io.facesearch.gallery.sketch.SketchScanStrategy}.</li>
 * <li>{@code ScanKernel}: the hot loop of stages 1 and 2, scalar or with the Vector API; which one runs is
 *     decided in one place, {@code ScanKernel.forThisMachine} (the module present and the CPU counting bits in
 *     512-bit vectors, read from {@code /proc/cpuinfo}).</li>
 * </ul>
 *
 * <h2>Stages and contract</h2>
 * <ol>
 * <li><b>Hamming scan</b> of every accepted sketch; those within a bound go on (the bound is set from a sample so
 *     that about 1.5 × ten times the candidates pass, and widened if fewer do).</li>
 * <li><b>Estimate</b> of those (RaBitQ's correction; error about {@code 1/√d}); each thread keeps its best
 *     {@code candidates}.</li>
 * <li><b>Byte score</b> of the best {@code candidates} (error under
 *     {@link io.facesearch.gallery.sketch.SketchScanVectorsFormat#BYTE_SCORE_ERROR}).</li>
 * <li><b>Fine score</b> of the collector's k best (the gallery asks for {@code k + 16}) with the 12-bit copy:
 *     within {@link io.facesearch.gallery.sketch.SketchScanVectorsFormat#fineScoreError} of the float32 dot
 *     product. This bound is the contract the gallery relies on to re-score only the hits at a boundary.</li>
 * </ol>
 * Why each setting is what it is was measured; the measurements are in docs/history/gallery-measurements.md and
 * docs/performance.md, not here.
 */
package io.facesearch.gallery.sketch;
