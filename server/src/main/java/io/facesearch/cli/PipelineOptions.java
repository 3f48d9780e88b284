package io.facesearch.cli;

import io.facesearch.embed.FaceEmbedder;
import io.facesearch.pipeline.FaceModels;
import io.facesearch.pipeline.FacePipeline;
import java.io.IOException;
import picocli.CommandLine.Option;

/** Options shared by the commands that run the face pipeline. */
final class PipelineOptions {

  @Option(
      names = "--channel-order",
      description = "Colour order fed to the embedding model: BGR (default, measured best) or RGB.")
  FaceEmbedder.ChannelOrder channelOrder = FaceEmbedder.ChannelOrder.BGR;

  @Option(
      names = "--flip",
      description =
          "Add the mirrored face's embedding (test-time augmentation, twice the embedding cost).")
  boolean flip;

  @Option(
      names = "--model-threads",
      description = "ONNX Runtime threads per model call (default: 1).")
  int modelThreads = 1;

  FacePipeline load() throws IOException {
    return new FacePipeline(FaceModels.load(FaceModels.locate(), modelThreads), channelOrder, flip);
  }
}
