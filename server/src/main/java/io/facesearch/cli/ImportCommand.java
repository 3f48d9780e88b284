package io.facesearch.cli;

import io.facesearch.accounts.Application;
import io.facesearch.app.Node;
import io.facesearch.imports.BulkImport;
import io.facesearch.imports.ImportEntry;
import io.facesearch.imports.ImportSource;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.services.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facesearch import FOLDER|FILE.csv}: enroll existing users in bulk; rerun to resume. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Enroll a folder or CSV of photos as verified sessions (source 'imported'). Resumable: a rerun "
            + "skips what was enrolled. CSV columns: path (required), vendor_data, status, name, document_type, "
            + "document_number, verification_date.")
final class ImportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FOLDER_OR_CSV")
  Path source;

  @Option(
      names = "--application",
      description = "Application id (default: the default application).")
  String applicationId;

  @Option(
      names = "--threads",
      description = "Photos analysed in parallel (default: number of cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Mixin DataOptions dataOptions;

  @Mixin PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    List<ImportEntry> entries =
        Files.isDirectory(source) ? ImportSource.folder(source) : ImportSource.csv(source);
    try (FacePipeline pipeline = pipelineOptions.load();
        Node node = dataOptions.node()) {
      Services services = node.services(pipeline);
      services
          .accounts()
          .bootstrapIfEmpty()
          .ifPresent(
              b ->
                  System.out.println(
                      "Created the default application "
                          + b.application().id()
                          + "; its API key (shown once): "
                          + b.key().key()));
      Application app =
          applicationId == null
              ? services.accounts().defaultApplication().orElseThrow()
              : services.accounts().application(applicationId).orElse(null);
      if (app == null) {
        System.err.println("no application " + applicationId);
        return 1;
      }
      System.out.printf(
          "importing %d photos from %s into application %s%n", entries.size(), source, app.id());
      BulkImport.Summary s =
          new BulkImport(services.search()).run(app, entries, threads, System.out, System.err);
      System.out.printf(
          "enrolled %d, already enrolled %d, no face %d, errors %d; %.1f faces/s%n",
          s.enrolled(), s.alreadyDone(), s.noFace(), s.errors(), s.facesPerSecond());
      System.out.println(s.line());
      return s.errors() == 0 ? 0 : 2;
    }
  }
}
