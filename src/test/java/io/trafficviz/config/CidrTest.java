package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CidrTest {

    /** The dotted-quad rule as it was written before the allocation-free parser: the reference to agree with. */
    private static byte[] referenceIpv4(String a) {
        if (a.isEmpty() || !a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return null;
        }
        String[] parts = a.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] bytesOf(long v4) {
        return v4 == Cidr.NOT_IPV4 ? null
                : new byte[]{(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
    }

    @Test
    void ipv4ReadsDottedQuadsAndRejectsEverythingElse() {
        assertThat(Cidr.ipv4("10.0.1.2")).isEqualTo(0x0A000102L);
        assertThat(Cidr.ipv4("255.255.255.255")).isEqualTo(0xFFFFFFFFL);
        assertThat(Cidr.ipv4("0.0.0.0")).isEqualTo(0L);
        assertThat(Cidr.ipv4("010.001.000.009")).isEqualTo(0x0A010009L);
        for (String bad : new String[]{"", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "256.1.1.1", "1.2.3.256",
                "0001.2.3.4", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "[1.2.3.4]", "::1", "1.2.3.4:80", "1.2.3.-4",
                "999.999.999.999", "1.2.3.4/8"}) {
            assertThat(Cidr.ipv4(bad)).as(bad).isEqualTo(Cidr.NOT_IPV4);
        }
    }

    @Test
    void ipv4AgreesWithTheReferenceOnRandomText() {
        Random random = new Random(7);
        String alphabet = "0123456789.....:a ";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(17);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            assertThat(bytesOf(Cidr.ipv4(text))).as(text).isEqualTo(referenceIpv4(text));
        }
    }

    @Test
    void literalBytesStillAcceptsBracketsAndIpv6() {
        assertThat(Cidr.literalBytes("[10.0.0.1]")).containsExactly(10, 0, 0, 1);
        assertThat(Cidr.literalBytes("172.25.0.5")).containsExactly(172, 25, 0, 5);
        assertThat(Cidr.literalBytes("::1")).hasSize(16);
        assertThat(Cidr.literalBytes("not-an-address")).isNull();
        assertThat(Cidr.parse("10.0.0.0/8").contains("10.200.3.4")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
    }
}
