package io.facesearch.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where a self-registered customer's webhook may point: only public internet addresses, so that signing up does
 * not let anyone make the server call into its own network (its loopback, the cloud's metadata address at
 * 169.254.169.254, private ranges). The operator's own organizations (unmetered) may use any address.
 *
 * <p>Checked when the URL is saved and again before each delivery. The HTTP client resolves the name once more
 * when it connects, so a name whose answer changes between the two (DNS rebinding) is not stopped by this alone.
 */
public final class WebhookTargets {

  private WebhookTargets() {}

  /** Null when every address {@code url}'s host resolves to is public, else why not. */
  public static String problem(URI url) {
    String host = url.getHost();
    if (host == null) {
      return "the URL has no host";
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return "its host does not resolve";
    }
    for (InetAddress a : addresses) {
      if (!isPublic(a)) {
        return "its host resolves to a private or local address";
      }
    }
    return null;
  }

  static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      return (b[0] & 0xFE) != 0xFC; // fc00::/7, unique local
    }
    int first = b[0] & 0xFF;
    int second = b[1] & 0xFF;
    return first != 0 // 0.0.0.0/8
        && !(first == 100 && second >= 64 && second < 128); // 100.64.0.0/10, carrier-grade NAT
  }
}
