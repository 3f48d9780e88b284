package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.mail.Outbox;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code facesearch outbox}: mail kept because no SMTP server is configured (or delivery failed). */
@Command(
    name = "outbox",
    mixinStandardHelpOptions = true,
    description =
        "Show mail that was not sent by SMTP (verification codes on an install without SMTP).")
final class OutboxCommand implements Callable<Integer> {

  @Mixin DataOptions data;

  @Override
  public Integer call() {
    try (Node node = data.node()) {
      for (Outbox.Letter l : node.outbox().letters()) {
        System.out.printf(
            "--- %s  to %s%nSubject: %s%n%s%n",
            l.createdAt(), l.recipient(), l.subject(), l.body());
      }
      return 0;
    }
  }
}
