package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.billing.Credits;
import io.facesearch.billing.OperatorApproval;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facesearch credits ...}: the operator's side of prepaid credits. Every change is a ledger entry. */
@Command(
    name = "credits",
    mixinStandardHelpOptions = true,
    description = "Balances, grants, top-up approval and metering of organizations.",
    subcommands = {
      CreditsCommand.Balance.class,
      CreditsCommand.Grant.class,
      CreditsCommand.Confirm.class,
      CreditsCommand.TopUps.class,
      CreditsCommand.Metering.class
    })
final class CreditsCommand {

  /** Largest grant: far below where a ledger's sum could overflow. */
  static final long MAX_GRANT = 1_000_000_000L;

  /** The given organization, which must exist; by default the operator's own (the default application's). */
  static String organization(String given, Node node) {
    if (given != null) {
      boolean exists = node.accounts().organizationExists(given);
      if (!exists) {
        throw new UserError("no organization " + given);
      }
      return given;
    }
    return node.accounts()
        .defaultApplication()
        .orElseThrow(() -> new UserError("no organization yet; start the server once"))
        .organizationId();
  }

  @Command(
      name = "balance",
      mixinStandardHelpOptions = true,
      description = "Balance and ledger of an organization.")
  static final class Balance implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(
        names = "--organization",
        description = "Organization id (default: the operator's own).")
    String organization;

    @Override
    public Integer call() {
      try (Node node = data.node()) {
        return call(node);
      }
    }

    private int call(Node node) {
      Credits credits = node.credits();
      String org = organization(organization, node);
      for (Credits.Entry e : credits.ledger(org)) {
        System.out.printf(
            "%6d  %-26s  %+8d  %-12s %s %s%n",
            e.id(),
            e.createdAt(),
            e.amount(),
            e.kind(),
            e.endpoint() == null ? "" : e.endpoint(),
            e.reference() == null ? "" : e.reference());
      }
      System.out.printf(
          "organization=%s metered=%s balance=%d%n",
          org, credits.metered(org), credits.balance(org));
      return 0;
    }
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description = "Add credits (a 'grant' ledger entry).")
  static final class Grant implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(
        names = "--organization",
        description = "Organization id (default: the operator's own).")
    String organization;

    @Option(names = "--amount", required = true, description = "Credits to add, 1 to 1000000000.")
    long amount;

    @Option(names = "--note", description = "Kept in the ledger entry.")
    String note;

    @Override
    public Integer call() {
      if (amount < 1 || amount > MAX_GRANT) {
        throw new UserError("--amount must be from 1 to " + MAX_GRANT);
      }
      try (Node node = data.node()) {
        Credits credits = node.credits();
        String org = organization(organization, node);
        credits.add(org, amount, "grant", note);
        System.out.printf("granted %d credits; balance=%d%n", amount, credits.balance(org));
        return 0;
      }
    }
  }

  @Command(
      name = "confirm",
      mixinStandardHelpOptions = true,
      description = "Confirm a pending top-up: its credits land.")
  static final class Confirm implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(paramLabel = "TOP_UP_ID")
    String id;

    @Override
    public Integer call() {
      try (Node node = data.node()) {
        if (!node.topUps().confirm(id)) {
          throw new UserError(
              "no pending top-up " + id + " (./facesearch credits top-ups lists them)");
        }
        System.out.println("confirmed " + id);
        return 0;
      }
    }
  }

  @Command(
      name = "top-ups",
      mixinStandardHelpOptions = true,
      description = "List top-ups (all organizations).")
  static final class TopUps implements Callable<Integer> {
    @Mixin DataOptions data;

    @Override
    public Integer call() {
      try (Node node = data.node()) {
        for (OperatorApproval.TopUp t : node.topUps().list(null)) {
          System.out.printf(
              "%s  %s  $%d  %d credits  %s  %s%n",
              t.id(),
              t.organizationId(),
              t.amountInDollars(),
              t.credits(),
              t.status(),
              t.createdAt());
        }
        return 0;
      }
    }
  }

  @Command(
      name = "metering",
      mixinStandardHelpOptions = true,
      description = "Turn metering on or off for an organization.")
  static final class Metering implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(
        names = "--organization",
        description = "Organization id (default: the operator's own).")
    String organization;

    @Parameters(paramLabel = "on|off")
    String state;

    @Override
    public Integer call() {
      if (!state.equalsIgnoreCase("on") && !state.equalsIgnoreCase("off")) {
        throw new UserError("metering is 'on' or 'off', not '" + state + "'");
      }
      try (Node node = data.node()) {
        String org = organization(organization, node);
        node.credits().setMetered(org, state.equalsIgnoreCase("on"));
        System.out.println(
            "metering " + (state.equalsIgnoreCase("on") ? "on" : "off") + " for " + org);
        return 0;
      }
    }
  }
}
