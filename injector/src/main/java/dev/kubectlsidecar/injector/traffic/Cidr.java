package dev.kubectlsidecar.injector.traffic;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IP prefix parsed the way Go's {@code netip.ParsePrefix} does (which istio-iptables and Istio's injector use):
 * a prefix length is required, IPv4 octets have no leading zeros, IPv6 may end in a dotted IPv4 part, no zones.
 * Host bits are kept, so {@link #toString()} prints {@code 127.0.0.1/8} back as written (IPv6 in RFC 5952 form,
 * as Go prints it). Parsing never resolves names.
 */
public final class Cidr {
    private final byte[] address;
    private final int bits;
    private final boolean v4MappedV6;

    private Cidr(byte[] address, int bits, boolean v4MappedV6) {
        this.address = address;
        this.bits = bits;
        this.v4MappedV6 = v4MappedV6;
    }

    /** The prefix, or empty when {@code text} is not one. */
    public static Optional<Cidr> parse(String text) {
        int slash = text.lastIndexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        byte[] address = text.indexOf(':') >= 0 ? parseV6(text.substring(0, slash)) : parseV4(text.substring(0, slash));
        if (address == null) {
            return Optional.empty();
        }
        int bits = parseDecimal(text.substring(slash + 1), address.length * 8);
        if (bits < 0) {
            return Optional.empty();
        }
        return Optional.of(new Cidr(address, bits, address.length == 16 && isV4Mapped(address)));
    }

    /** IPv4-mapped IPv6 prefixes ({@code ::ffff:a.b.c.d/n}) count as IPv6, as in Go. */
    public Family family() {
        return address.length == 4 ? Family.V4 : Family.V6;
    }

    /** Whether the address (not the whole range) is a loopback address: 127/8 or ::1. */
    public boolean isLoopback() {
        if (address.length == 4 || v4MappedV6) {
            return address[address.length - 4] == 127;
        }
        byte[] one = new byte[16];
        one[15] = 1;
        return Arrays.equals(address, one);
    }

    /** The same prefix with host bits cleared, as the kernel stores it ({@code 127.0.0.1/8} → {@code 127.0.0.0/8}). */
    public Cidr masked() {
        byte[] network = address.clone();
        for (int i = 0; i < network.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            network[i] &= (byte) (0xff00 >> keep);
        }
        return new Cidr(network, bits, v4MappedV6);
    }

    /** The first address of the range, as an unsigned number. */
    BigInteger first() {
        return new BigInteger(1, masked().address);
    }

    /** The last address of the range, as an unsigned number. */
    BigInteger last() {
        return first().add(BigInteger.ONE.shiftLeft(address.length * 8 - bits)).subtract(BigInteger.ONE);
    }

    @Override
    public String toString() {
        return addressText() + "/" + bits;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.bits == bits && Arrays.equals(cidr.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + bits;
    }

    private String addressText() {
        if (address.length == 4) {
            return dotted(address, 0);
        }
        if (v4MappedV6) {
            return "::ffff:" + dotted(address, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static String dotted(byte[] bytes, int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "."
                + (bytes[from + 3] & 0xff);
    }

    private static boolean isV4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /** A decimal number in 0..max without sign or leading zeros, or -1. */
    private static int parseDecimal(String text, int max) {
        if (text.isEmpty() || text.length() > 3 || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (char c : text.toCharArray()) {
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static byte[] parseV4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = parseDecimal(octets[i], 255);
            if (octet < 0) {
                return null;
            }
            address[i] = (byte) octet;
        }
        return address;
    }

    private static byte[] parseV6(String text) {
        int ellipsis = text.indexOf("::");
        if (ellipsis >= 0 && text.indexOf("::", ellipsis + 1) >= 0) {
            return null;
        }
        byte[] head = ellipsis < 0 ? parseV6Groups(text, true) : parseV6Groups(text.substring(0, ellipsis), false);
        byte[] tail = ellipsis < 0 ? new byte[0] : parseV6Groups(text.substring(ellipsis + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int missing = 16 - head.length - tail.length;
        if (ellipsis < 0 ? missing != 0 : missing < 2) {
            return null;
        }
        byte[] address = new byte[16];
        System.arraycopy(head, 0, address, 0, head.length);
        System.arraycopy(tail, 0, address, 16 - tail.length, tail.length);
        return address;
    }

    /** Colon-separated hex groups; the last may be a dotted IPv4 address when {@code mayEndInV4}. */
    private static byte[] parseV6Groups(String text, boolean mayEndInV4) {
        if (text.isEmpty()) {
            return new byte[0];
        }
        String[] groups = text.split(":", -1);
        byte[] bytes = new byte[groups.length * 2 + 2];
        int length = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (mayEndInV4 && i == groups.length - 1 && group.indexOf('.') >= 0) {
                byte[] v4 = parseV4(group);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, bytes, length, 4);
                length += 4;
                continue;
            }
            if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(Cidr::isHexDigit)) {
                return null;
            }
            int value = Integer.parseInt(group, 16);
            bytes[length++] = (byte) (value >> 8);
            bytes[length++] = (byte) value;
        }
        return length > 16 ? null : Arrays.copyOf(bytes, length);
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
