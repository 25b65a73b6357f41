package io.keymgmt.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Public keys as PEM SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}), byte for byte as Vault prints them
 * in a key read, and as {@code az keyvault key download} writes a KEK: base64 in 64-character lines,
 * {@code \n} line ends and a trailing newline. OpenSSL writes the same bytes.
 */
public final class PublicKeyPem {

    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";
    private static final String ANY_BEGIN = "-----BEGIN ";
    private static final Base64.Encoder BODY_ENCODER =
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private PublicKeyPem() {
    }

    /** The PEM text of {@code key}'s X.509 SubjectPublicKeyInfo encoding. */
    public static String encode(PublicKey key) {
        Objects.requireNonNull(key, "key");
        byte[] encoded = key.getEncoded();
        if (!"X.509".equals(key.getFormat()) || encoded == null) {
            throw new IllegalArgumentException("the public key has no X.509 SubjectPublicKeyInfo encoding (format "
                    + key.getFormat() + "); only such keys can be written as PEM");
        }
        return BEGIN + "\n" + BODY_ENCODER.encodeToString(encoded) + "\n" + END + "\n";
    }

    /**
     * Reads one {@code BEGIN PUBLIC KEY} block holding an RSA or EC key. Accepts LF or CRLF line ends,
     * base64 lines of any length, and text before and after the block (RFC 7468 allows explanatory
     * text); refuses other PEM labels, a second block and broken base64.
     */
    public static PublicKey parse(String pem) {
        Objects.requireNonNull(pem, "pem");
        byte[] der = Base64Body.of(pem).decode();
        String oid = Asn1Peek.spkiAlgorithmOid(der).orElseThrow(() -> new IllegalArgumentException(
                "the PEM public key is not a DER SubjectPublicKeyInfo"));
        String algorithm;
        if (Asn1Peek.RSA_ENCRYPTION_OID.equals(oid)) {
            algorithm = "RSA";
        } else if (Asn1Peek.EC_PUBLIC_KEY_OID.equals(oid)) {
            algorithm = "EC";
        } else {
            throw new IllegalArgumentException("the PEM public key is " + Asn1Peek.describeAlgorithm(oid)
                    + "; accepted are RSA and EC public keys");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM " + algorithm + " public key is malformed: " + e.getMessage(), e);
        }
    }

    /** The base64 lines between the BEGIN and END lines. */
    private static final class Base64Body {
        private final String base64;

        private Base64Body(String base64) {
            this.base64 = base64;
        }

        static Base64Body of(String pem) {
            String[] lines = pem.split("\r?\n", -1);
            List<String> body = new ArrayList<>();
            int state = 0; // 0 before BEGIN, 1 inside, 2 after END
            for (String raw : lines) {
                String line = raw.strip();
                if (line.startsWith(ANY_BEGIN)) {
                    if (state != 0) {
                        throw new IllegalArgumentException("the PEM text holds more than one block; exactly one "
                                + BEGIN + " block is accepted");
                    }
                    requirePublicKeyLabel(line);
                    state = 1;
                } else if (state == 1 && line.equals(END)) {
                    state = 2;
                } else if (state == 1) {
                    if (line.startsWith("-----")) {
                        throw new IllegalArgumentException("the PEM block starting " + BEGIN + " must end with " + END);
                    }
                    body.add(line);
                }
            }
            if (state == 0) {
                throw new IllegalArgumentException("the text is not PEM: no " + BEGIN + " line was found");
            }
            if (state == 1) {
                throw new IllegalArgumentException("the PEM block has no " + END + " line");
            }
            return new Base64Body(String.join("", body));
        }

        byte[] decode() {
            if (base64.isEmpty()) {
                throw new IllegalArgumentException("the PEM public key block is empty");
            }
            try {
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the PEM public key block is not valid base64: " + e.getMessage(), e);
            }
        }

        private static void requirePublicKeyLabel(String beginLine) {
            if (beginLine.equals(BEGIN)) {
                return;
            }
            if (beginLine.equals("-----BEGIN RSA PUBLIC KEY-----")) {
                throw new IllegalArgumentException("the PEM key is PKCS#1 (BEGIN RSA PUBLIC KEY); a SubjectPublicKeyInfo"
                        + " (BEGIN PUBLIC KEY) is required; convert it with: openssl rsa -RSAPublicKey_in -in in.pem -pubout -out out.pem");
            }
            if (beginLine.equals("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("the PEM text is a certificate; a public key (BEGIN PUBLIC KEY) is required;"
                        + " extract it with: openssl x509 -in cert.pem -pubkey -noout -out out.pem");
            }
            if (beginLine.contains("PRIVATE KEY")) {
                throw new IllegalArgumentException("the PEM text is a private key; a public key (BEGIN PUBLIC KEY) is required");
            }
            throw new IllegalArgumentException("the PEM block is \"" + beginLine + "\"; a " + BEGIN + " block is required");
        }
    }
}
