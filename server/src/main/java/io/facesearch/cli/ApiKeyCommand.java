package io.facesearch.cli;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.app.Node;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facesearch apikey create|list|revoke}: API keys of the data folder's applications. */
@Command(
    name = "apikey",
    mixinStandardHelpOptions = true,
    description = "Manage API keys (stored hashed; a key is shown once).",
    subcommands = {
      ApiKeyCommand.Create.class,
      ApiKeyCommand.ListKeys.class,
      ApiKeyCommand.Rotate.class,
      ApiKeyCommand.Revoke.class
    })
final class ApiKeyCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a key; the key alone is printed on the last line.")
  static final class Create implements Callable<Integer> {
    @Mixin DataOptions dataOptions;

    @Option(
        names = "--application",
        description = "Application id (default: the default application).")
    String applicationId;

    @Override
    public Integer call() {
      try (Node node = dataOptions.node()) {
        return call(node.accounts());
      }
    }

    private int call(AccountStore accounts) {
      accounts.bootstrapIfEmpty();
      Application app =
          applicationId == null
              ? accounts.defaultApplication().orElseThrow()
              : accounts.application(applicationId).orElse(null);
      if (app == null) {
        System.err.println("no application " + applicationId);
        return 1;
      }
      AccountStore.NewKey key = accounts.createKey(app.id());
      System.out.println(
          "Created key " + key.id() + " for application " + app.id() + " (shown once):");
      System.out.println(key.key());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys by prefix.")
  static final class ListKeys implements Callable<Integer> {
    @Mixin DataOptions dataOptions;

    @Override
    public Integer call() {
      try (Node node = dataOptions.node()) {
        return call(node.accounts());
      }
    }

    private int call(AccountStore accounts) {
      System.out.printf(
          "%-36s  %-12s  %-36s  %-24s  %s%n", "id", "prefix", "application", "created", "state");
      for (AccountStore.KeyInfo k : accounts.listKeys()) {
        System.out.printf(
            "%-36s  %-12s  %-36s  %-24s  %s%n",
            k.id(),
            k.prefix(),
            k.applicationId(),
            k.createdAt(),
            k.active() ? "active" : "revoked " + k.revokedAt());
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a key by id or prefix; it fails at once.")
  static final class Revoke implements Callable<Integer> {
    @Mixin DataOptions dataOptions;

    @Parameters(paramLabel = "ID_OR_PREFIX")
    String idOrPrefix;

    @Override
    public Integer call() {
      try (Node node = dataOptions.node()) {
        boolean revoked = node.accounts().revokeKey(idOrPrefix);
        System.out.println(revoked ? "revoked " + idOrPrefix : "no active key " + idOrPrefix);
        return revoked ? 0 : 1;
      }
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Create a new key for the same application and revoke the old one; the new key alone is printed "
              + "on the last line.")
  static final class Rotate implements Callable<Integer> {
    @Mixin DataOptions dataOptions;

    @Parameters(paramLabel = "ID_OR_PREFIX")
    String idOrPrefix;

    @Override
    public Integer call() {
      try (Node node = dataOptions.node()) {
        return call(node.accounts());
      }
    }

    private int call(AccountStore accounts) {
      AccountStore.KeyInfo old =
          accounts.listKeys().stream()
              .filter(
                  k -> k.active() && (k.id().equals(idOrPrefix) || k.prefix().equals(idOrPrefix)))
              .findFirst()
              .orElse(null);
      if (old == null) {
        System.err.println("no active key " + idOrPrefix);
        return 1;
      }
      AccountStore.NewKey fresh = accounts.createKey(old.applicationId());
      accounts.revokeKey(old.id());
      System.out.println("revoked " + old.prefix() + "; new key " + fresh.id() + " (shown once):");
      System.out.println(fresh.key());
      return 0;
    }
  }
}
