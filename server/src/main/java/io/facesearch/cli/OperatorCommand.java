package io.facesearch.cli;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.RegistrationException;
import io.facesearch.app.Node;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch operator create --email E}: a console user for the operator's own organization (the one
 * created at first start), who can also approve top-ups. The password is read from standard input.
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Console users of the operator's organization.",
    subcommands = {OperatorCommand.Create.class})
final class OperatorCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a console user for the operator's organization; the password is read from stdin.")
  static final class Create implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(
        names = "--email",
        required = true,
        description = "The operator's e-mail address (their sign-in).")
    String email;

    @Override
    public Integer call() throws Exception {
      try (Node node = data.node()) {
        return call(node);
      }
    }

    private int call(Node node) throws java.io.IOException {
      AccountStore accounts = node.accounts();
      accounts
          .bootstrapIfEmpty()
          .ifPresent(
              b ->
                  System.out.println(
                      "Created the default application; its API key (shown once): "
                          + b.key().key()));
      String org = accounts.defaultApplication().orElseThrow().organizationId();
      String prompt = "Password (10+ characters, a letter and a digit): ";
      java.io.Console console = System.console();
      String password;
      if (console != null) { // a terminal: not echoed
        char[] typed = console.readPassword("%s", prompt);
        password = typed == null ? null : new String(typed);
      } else {
        System.err.print(prompt);
        password =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      }
      try {
        node.registration().createUser(email, password == null ? "" : password.strip(), org);
      } catch (RegistrationException e) {
        System.err.println();
        e.fieldErrors()
            .forEach(
                (field, problems) ->
                    System.err.println("error: " + field + ": " + String.join(" ", problems)));
        return 2;
      }
      System.err.println();
      System.out.println("operator " + email + " can sign in at /console/");
      return 0;
    }
  }
}
