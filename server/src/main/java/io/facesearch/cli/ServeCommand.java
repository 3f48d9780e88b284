package io.facesearch.cli;

import io.facesearch.api.FaceSearchApp;
import io.facesearch.pipeline.FacePipeline;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch serve}: runs the HTTP service on the embedded default. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP service.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", description = "TCP port (default: $FACESEARCH_PORT or 8080).",
      defaultValue = "${env:FACESEARCH_PORT:-8080}")
  int port;

  @Option(names = "--host", description = "Address to listen on (default: $FACESEARCH_HOST or 0.0.0.0).",
      defaultValue = "${env:FACESEARCH_HOST:-0.0.0.0}")
  String host;

  @Option(names = "--data", description = "Data folder (default: $FACESEARCH_DATA or ./data).",
      defaultValue = "${env:FACESEARCH_DATA:-data}")
  Path data;

  @Mixin
  PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    FacePipeline pipeline = pipelineOptions.load();
    Javalin app = FaceSearchApp.create(pipeline);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.stop();
      pipeline.close();
      stopped.countDown();
    }));
    app.start(host, port);
    System.out.printf("facesearch listening on http://%s:%d (embedding model %s)%n", host, app.port(),
        pipeline.embeddingModelId());
    stopped.await();
    return 0;
  }
}
