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
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xFE) == 0xFC) { // fc00::/7, unique local
        return false;
      }
      if ((b[0] & 0xFF) == 0x20
          && (b[1] & 0xFF) == 0x02) { // 2002::/16, 6to4: judge the IPv4 inside
        return isPublic(ipv4(b[2], b[3], b[4], b[5]));
      }
      boolean nat64 =
          (b[0] & 0xFF) == 0x00
              && (b[1] & 0xFF) == 0x64
              && (b[2] & 0xFF) == 0xFF
              && (b[3] & 0xFF) == 0x9B; // 64:ff9b::/96, NAT64: judge the IPv4 inside
      return !nat64 || isPublic(ipv4(b[12], b[13], b[14], b[15]));
    }
    int first = b[0] & 0xFF;
    int second = b[1] & 0xFF;
    return first != 0 // 0.0.0.0/8
        && !(first == 100 && second >= 64 && second < 128) // 100.64.0.0/10, carrier-grade NAT
        && !(first == 198 && (second == 18 || second == 19)) // 198.18.0.0/15, benchmarking
        && first < 240; // 240.0.0.0/4, reserved, and the broadcast address
  }

  private static InetAddress ipv4(byte a, byte b, byte c, byte d) {
    try {
      return InetAddress.getByAddress(new byte[] {a, b, c, d});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }
}
