package io.facesearch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code facesearch} command line: {@code ./facesearch --help} lists the commands. */
@Command(
    name = "facesearch",
    mixinStandardHelpOptions = true,
    version = "facesearch 0.1.0",
    description = "Self-hosted face search speaking Didit's Face Search API (v3).",
    subcommands = {ServeCommand.class, ApiKeyCommand.class, CreditsCommand.class, OutboxCommand.class, ImportCommand.class,
        OperatorCommand.class, ReindexCommand.class, WebhookCommand.class, EvalCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
        .setDefaultValueProvider(ConfigDefaults.load()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
