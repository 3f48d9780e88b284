package io.facesearch.cli;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.app.Node;
import io.facesearch.webhooks.Webhooks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch webhook --url URL --secret S}: an application's webhook (see docs/webhooks.md). */
@Command(
    name = "webhook",
    mixinStandardHelpOptions = true,
    description =
        "Set (or with --clear remove) the webhook URL and signing secret of an application.")
final class WebhookCommand implements Callable<Integer> {

  @Mixin DataOptions data;

  @Option(
      names = "--application",
      description = "Application id (default: the default application).")
  String applicationId;

  @Option(names = "--url", description = "Where events are POSTed.")
  String url;

  @Option(
      names = "--secret",
      description = "Signing secret shared with the receiver (HMAC-SHA256).")
  String secret;

  @Option(names = "--clear", description = "Remove the webhook.")
  boolean clear;

  @Override
  public Integer call() throws Exception {
    try (Node node = data.node()) {
      return call(node);
    }
  }

  private int call(Node node) {
    AccountStore accounts = node.accounts();
    Application app =
        applicationId == null
            ? accounts.defaultApplication().orElseThrow()
            : accounts
                .application(applicationId)
                .orElseThrow(() -> new UserError("no application " + applicationId));
    Webhooks webhooks = node.webhooks();
    if (clear) {
      webhooks.remove(app.id());
      System.out.println("webhook removed for " + app.id());
      return 0;
    }
    if (url != null && !url.matches("(?i)https?://[^/\\s]+.*")) {
      throw new UserError("--url must be an http(s) URL with a host, not '" + url + "'");
    }
    if (url == null || secret == null || secret.length() < Webhooks.MIN_SECRET_LENGTH) {
      throw new UserError(
          "give --url and a --secret of at least " + Webhooks.MIN_SECRET_LENGTH + " characters");
    }
    webhooks.configure(app.id(), url, secret);
    System.out.println("webhook set for " + app.id() + ": " + url);
    return 0;
  }
}
