package io.facesearch.mail;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** Sends mail through an SMTP server (Jakarta Mail, Eclipse Angus implementation). */
public final class SmtpMailer implements Mailer {

  private final Session session;
  private final String from;

  public SmtpMailer(SmtpSettings s) {
    Properties props = new Properties();
    props.put("mail.smtp.host", s.host());
    props.put("mail.smtp.port", Integer.toString(s.port()));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    props.put("mail.smtp.starttls.enable", Boolean.toString(s.startTls()));
    boolean auth = s.user() != null && !s.user().isBlank();
    props.put("mail.smtp.auth", Boolean.toString(auth));
    this.session =
        auth
            ? Session.getInstance(
                props,
                new Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(s.user(), s.password());
                  }
                })
            : Session.getInstance(props);
    this.from = s.from();
  }

  @Override
  public void send(String to, String subject, String body) {
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(from));
      m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
      m.setSubject(subject, "UTF-8");
      m.setText(body, "UTF-8");
      Transport.send(m);
    } catch (MessagingException e) {
      throw new MailException("SMTP delivery failed: " + e.getMessage(), e);
    }
  }
}
