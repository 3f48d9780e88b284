package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.enrollment.Reembedding;
import io.facesearch.pipeline.FacePipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch reindex}: re-embeds, from their stored images, the faces whose embedding model is not the one
 * of the pipeline options given (as {@code serve} would run with them), then rebuilds the gallery from the database
 * (the source of truth). Resumable: each face is committed on its own.
 */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description =
        "Re-embed stored faces made by another model (from their images) and rebuild the gallery index "
            + "from the database. Give the pipeline options serve will run with. Stop the server first.")
final class ReindexCommand implements Callable<Integer> {

  @Option(
      names = "--remove-faces-without-image",
      description =
          "Remove the faces of another model whose image is "
              + "gone (they cannot be re-embedded; their sessions and list entries stay, without a face).")
  boolean removeWithoutImage;

  @Mixin DataOptions dataOptions;

  @Mixin PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    try (Node node = dataOptions.node();
        FacePipeline pipeline = pipelineOptions.load()) {
      long start = System.nanoTime();
      Reembedding.Report report = node.reindex(pipeline, removeWithoutImage);
      System.out.printf(
          "re-embedded %d faces with model %s%s%n",
          report.reembedded(),
          pipeline.embeddingModelId(),
          report.removed() == 0 ? "" : ", removed " + report.removed() + " faces without an image");
      System.out.printf(
          "reindexed %s in %.1f s%n", node.galleryName(), (System.nanoTime() - start) / 1e9);
      if (!report.withoutImage().isEmpty()) {
        System.out.println("These faces have no stored image left and keep their old model:");
        report.withoutImage().forEach(f -> System.out.println("    " + f));
        throw new UserError(
            report.withoutImage().size()
                + " faces could not be re-embedded (listed above); erase "
                + "them with --remove-faces-without-image, or start serve with the pipeline options they were made with");
      }
      return 0;
    }
  }
}
