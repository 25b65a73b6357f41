package io.keymgmt.keys;

import java.util.Map;
import java.util.Optional;

/**
 * Just enough DER reading to tell what a blob of key bytes is, so that a refusal can say "this is an
 * EC key" or "this is PKCS#1, convert it like this" instead of the JDK's bare "invalid key format".
 * It reads only structure (tags, lengths, the algorithm OID); the JDK's KeyFactory does the real parse.
 */
final class Asn1Peek {

    /** What the outer structure of some private key bytes looks like. */
    enum PrivateKeyShape {
        /** PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version, SEQUENCE { OID, ... }, OCTET STRING, ... }. */
        PKCS8,
        /** PKCS#8 EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID, ... }, OCTET STRING }. */
        ENCRYPTED_PKCS8,
        /** PKCS#1 RSAPrivateKey: SEQUENCE { INTEGER version, INTEGER modulus, ... }. */
        PKCS1_RSA,
        /** Anything else, including bytes that are not DER at all. */
        UNKNOWN
    }

    static final String RSA_ENCRYPTION_OID = "1.2.840.113549.1.1.1";
    static final String EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";

    private static final Map<String, String> ALGORITHM_NAMES = Map.of(
            RSA_ENCRYPTION_OID, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            EC_PUBLIC_KEY_OID, "EC",
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.2.840.10040.4.1", "DSA",
            "1.2.840.113549.1.3.1", "DH");

    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    private static final int SEQUENCE = 0x30;

    private Asn1Peek() {
    }

    static PrivateKeyShape privateKeyShape(byte[] der) {
        try {
            Reader outer = Reader.outerSequence(der);
            int firstTag = outer.peekTag();
            if (firstTag == SEQUENCE) {
                outer.skip();
                return outer.peekTag() == OCTET_STRING ? PrivateKeyShape.ENCRYPTED_PKCS8 : PrivateKeyShape.UNKNOWN;
            }
            if (firstTag != INTEGER) {
                return PrivateKeyShape.UNKNOWN;
            }
            outer.skip();
            int secondTag = outer.peekTag();
            if (secondTag == SEQUENCE) {
                return PrivateKeyShape.PKCS8;
            }
            return secondTag == INTEGER ? PrivateKeyShape.PKCS1_RSA : PrivateKeyShape.UNKNOWN;
        } catch (MalformedDer e) {
            return PrivateKeyShape.UNKNOWN;
        }
    }

    /** The algorithm OID of a PKCS#8 PrivateKeyInfo, if the bytes are one. */
    static Optional<String> pkcs8AlgorithmOid(byte[] der) {
        try {
            Reader outer = Reader.outerSequence(der);
            outer.expect(INTEGER);
            return Optional.of(outer.enter(SEQUENCE).oid());
        } catch (MalformedDer e) {
            return Optional.empty();
        }
    }

    /** The algorithm OID of an X.509 SubjectPublicKeyInfo, if the bytes are one. */
    static Optional<String> spkiAlgorithmOid(byte[] der) {
        try {
            Reader outer = Reader.outerSequence(der);
            return Optional.of(outer.enter(SEQUENCE).oid());
        } catch (MalformedDer e) {
            return Optional.empty();
        }
    }

    /** "EC (OID 1.2.840.10045.2.1)", or the bare OID when we do not know its name. */
    static String describeAlgorithm(String oid) {
        String name = ALGORITHM_NAMES.get(oid);
        return name == null ? "algorithm OID " + oid : name + " (OID " + oid + ")";
    }

    private static final class MalformedDer extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedDer() {
            super(null, null, false, false);
        }
    }

    /** A cursor over the elements of one constructed DER value. */
    private static final class Reader {
        private final byte[] der;
        private int position;
        private final int end;
        /** Content length of the element whose header was read last. */
        private int length;

        private Reader(byte[] der, int position, int end) {
            this.der = der;
            this.position = position;
            this.end = end;
        }

        /** The content of the SEQUENCE that must make up all of {@code der}, with nothing after it. */
        static Reader outerSequence(byte[] der) throws MalformedDer {
            Reader whole = new Reader(der, 0, der.length);
            Reader content = whole.enter(SEQUENCE);
            if (whole.position != der.length) {
                throw new MalformedDer();
            }
            return content;
        }

        int peekTag() throws MalformedDer {
            if (position >= end) {
                throw new MalformedDer();
            }
            return der[position] & 0xff;
        }

        /** Steps into the next element, which must have {@code tag}, and past it in this reader. */
        Reader enter(int tag) throws MalformedDer {
            int contentStart = header(tag);
            position = contentStart + length;
            return new Reader(der, contentStart, position);
        }

        void expect(int tag) throws MalformedDer {
            position = header(tag) + length;
        }

        void skip() throws MalformedDer {
            position = header(peekTag()) + length;
        }

        String oid() throws MalformedDer {
            int start = header(OID);
            int stop = start + length;
            position = stop;
            if (length == 0) {
                throw new MalformedDer();
            }
            StringBuilder text = new StringBuilder();
            long value = 0;
            boolean first = true;
            for (int i = start; i < stop; i++) {
                int b = der[i] & 0xff;
                if (value > (Long.MAX_VALUE >> 7)) {
                    throw new MalformedDer();
                }
                value = (value << 7) | (b & 0x7f);
                if ((b & 0x80) == 0) {
                    if (first) {
                        long arc0 = Math.min(value / 40, 2);
                        text.append(arc0).append('.').append(value - 40 * arc0);
                        first = false;
                    } else {
                        text.append('.').append(value);
                    }
                    value = 0;
                } else if (i == stop - 1) {
                    throw new MalformedDer();
                }
            }
            return text.toString();
        }

        /** Reads tag and length of the next element; returns where its content starts and sets {@link #length}. */
        private int header(int tag) throws MalformedDer {
            if (peekTag() != tag || position + 1 >= end) {
                throw new MalformedDer();
            }
            int at = position + 1;
            int first = der[at++] & 0xff;
            long len;
            if (first < 0x80) {
                len = first;
            } else {
                int count = first & 0x7f;
                if (count == 0 || count > 4 || at + count > end) {
                    throw new MalformedDer();
                }
                len = 0;
                for (int i = 0; i < count; i++) {
                    len = (len << 8) | (der[at++] & 0xff);
                }
            }
            if (len > end - at) {
                throw new MalformedDer();
            }
            length = (int) len;
            return at;
        }
    }
}
