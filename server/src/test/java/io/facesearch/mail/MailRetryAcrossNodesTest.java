package io.facesearch.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.store.Database;
import io.facesearch.store.Lease;
import io.facesearch.store.MailOutbox;
import io.facesearch.store.NodeId;
import io.facesearch.testing.TestClock;
import io.facesearch.testing.TestPostgres;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database send again the mail SMTP refused (a real in-process SMTP server,
 * GreenMail, down at first): each message arrives once while both retry at the same time, and messages claimed
 * by a node that died are sent by the other once its lease has ended (the nodes' clock moved by the test).
 */
class MailRetryAcrossNodesTest {

  @TempDir Path dirA;
  @TempDir Path dirB;

  private final TestClock clock = new TestClock();
  private int smtpPort;
  private GreenMail smtp;
  private Node a;
  private Node b;
  private Database truth;

  @BeforeEach
  void open() throws IOException {
    smtpPort = freePort();
    String url = TestPostgres.database();
    NodeSettings.Postgres pg = new NodeSettings.Postgres(url, "facesearch", "");
    SmtpSettings settings =
        new SmtpSettings("127.0.0.1", smtpPort, null, null, "facesearch@test.local", false);
    a = Node.open(NodeSettings.of(dirA).withSmtp(settings).withPostgres(pg), clock);
    b = Node.open(NodeSettings.of(dirB).withSmtp(settings).withPostgres(pg), clock);
    truth = Database.postgres(url, "facesearch", "");
  }

  @AfterEach
  void close() {
    if (smtp != null) {
      smtp.stop();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (truth != null) {
      truth.close();
    }
  }

  @Test
  void each_refused_message_arrives_once_while_two_nodes_retry_at_the_same_time() throws Exception {
    int messages = 30;
    keepWhileSmtpIsDown(messages);
    startSmtp();
    clock.advance(Outbox.RETRY_AFTER);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> byA =
          nodes.submit(
              () -> {
                go.await();
                return a.outbox().retryDue();
              });
      Future<Integer> byB =
          nodes.submit(
              () -> {
                go.await();
                return b.outbox().retryDue();
              });
      go.countDown();
      int sentByA = byA.get();
      int sentByB = byB.get();
      System.out.println("mail across nodes: A sent " + sentByA + ", B " + sentByB);
      assertEquals(messages, sentByA + sentByB);
    } finally {
      nodes.shutdownNow();
    }
    assertEachArrivedOnce(messages);
    assertEquals(0, a.outbox().letters().size(), "sent mail is not kept");
  }

  @Test
  void messages_claimed_by_a_node_that_died_are_sent_by_another_once_its_lease_ends()
      throws Exception {
    int messages = 5;
    keepWhileSmtpIsDown(messages);
    startSmtp();
    clock.advance(Outbox.RETRY_AFTER);
    NodeId dead = NodeId.random();
    int claimed =
        truth
            .inTransaction(
                tx ->
                    new MailOutbox()
                        .claimDue(
                            tx,
                            Lease.of(dead, clock.instant(), Outbox.LEASE),
                            clock.instant(),
                            100))
            .size();
    assertEquals(messages, claimed, "the dead node had claimed every message, then died");

    assertEquals(0, b.outbox().retryDue(), "the dead node's lease still holds");
    assertEquals(0, smtp.getReceivedMessages().length);
    clock.advance(Outbox.LEASE);
    assertEquals(messages, b.outbox().retryDue(), "taken over when the lease ended");
    assertEquals(0, a.outbox().retryDue());
    assertEachArrivedOnce(messages);
  }

  @Test
  void a_message_refused_for_longer_than_a_code_is_valid_is_kept_for_the_operator_only() {
    keepWhileSmtpIsDown(1);
    for (int i = 0; i < 30; i++) {
      clock.advance(Outbox.RETRY_AFTER);
      a.outbox().retryDue();
      b.outbox().retryDue();
    }
    assertEquals(1, a.outbox().letters().size(), "still kept for the operator");
    startSmtp();
    clock.advance(Outbox.RETRY_AFTER);
    assertEquals(0, a.outbox().retryDue() + b.outbox().retryDue(), "no longer retried");
    assertEquals(0, smtp.getReceivedMessages().length);
  }

  private void keepWhileSmtpIsDown(int messages) {
    for (int i = 0; i < messages; i++) {
      a.outbox().send("user" + i + "@example.com", "message " + i, "body " + i);
    }
    assertEquals(messages, a.outbox().letters().size(), "SMTP refused: kept");
  }

  private void assertEachArrivedOnce(int messages) throws MessagingException {
    Map<String, Integer> bySubject = new HashMap<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      bySubject.merge(m.getSubject(), 1, Integer::sum);
    }
    assertEquals(messages, bySubject.size(), "every message arrived");
    bySubject.forEach((subject, n) -> assertEquals(1, n, subject + " arrived once"));
  }

  private void startSmtp() {
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
  }

  /** A free port of this part's range (18900-18949) for the SMTP server. */
  private static int freePort() throws IOException {
    for (int port = 18949; port >= 18900; port--) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException inUse) {
        // the next one
      }
    }
    throw new IOException("no free port in 18900-18949");
  }
}
