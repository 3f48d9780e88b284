package io.facesearch.cli;

import org.apache.lucene.store.LockObtainFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code facesearch} command line: {@code ./facesearch --help} lists the commands. */
@Command(
    name = "facesearch",
    mixinStandardHelpOptions = true,
    version = "facesearch 0.1.0",
    description = "Self-hosted face search speaking Didit's Face Search API (v3).",
    subcommands = {
      ServeCommand.class,
      ApiKeyCommand.class,
      CreditsCommand.class,
      OutboxCommand.class,
      ImportCommand.class,
      OperatorCommand.class,
      ReindexCommand.class,
      WebhookCommand.class,
      SearchCommand.class,
      MigrateCommand.class,
      DevClusterCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The product's command line as {@code main} runs it. */
  public static CommandLine commandLine() {
    return commandLine(new Object[0]);
  }

  /**
   * The command line with further commands after the product's: the tools module ({@code bench}, {@code eval}) adds
   * its own here, so that the product jar holds only the product.
   */
  public static CommandLine commandLine(Object... moreCommands) {
    CommandLine cli = new CommandLine(new Main());
    for (Object command : moreCommands) {
      cli.addSubcommand(command);
    }
    cli.addSubcommand(
        new CommandLine
            .HelpCommand()); // picocli applies the settings below to the commands added so far
    return cli.setCaseInsensitiveEnumValuesAllowed(true)
        .setDefaultValueProvider(ConfigDefaults.load())
        .setExecutionExceptionHandler(Main::oneLine)
        .setParameterExceptionHandler(
            (e, args) -> { // a malformed or missing option: one line and where help is
              CommandLine command = e.getCommandLine();
              String help =
                  command
                      .getCommandSpec()
                      .qualifiedName(" ")
                      .replaceFirst("^facesearch", "./facesearch");
              command.getErr().println("error: " + e.getMessage() + " (" + help + " --help)");
              return 2;
            });
  }

  /**
   * A command's failure as one line on stderr: the person's mistake ({@link UserError}, exit 2), a data folder held
   * by a running server, or else the exception's class and message (exit 1). {@code FACESEARCH_DEBUG=1} adds the
   * stack trace.
   */
  private static int oneLine(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    if (System.getenv("FACESEARCH_DEBUG") != null) {
      e.printStackTrace(command.getErr());
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError user) {
        command.getErr().println("error: " + user.getMessage());
        return 2;
      }
      if (t instanceof LockObtainFailedException) {
        command
            .getErr()
            .println(
                "error: the data folder's gallery is in use by a running ./facesearch serve; "
                    + "stop it first");
        return 2;
      }
    }
    command.getErr().println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    return 1;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
