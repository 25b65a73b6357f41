package io.keymgmt.keys;

import io.keymgmt.secrets.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;

/**
 * Reading RSA private keys back from the PKCS#8 DER we store and import, with refusals that say what
 * the bytes are and what would be accepted.
 */
public final class RsaPrivateKeys {

    /** How to turn PKCS#1 or encrypted keys into what we read; the same advice wherever it is given. */
    public static final String PKCS8_CONVERSION_HINT = "openssl pkcs8 -topk8 -nocrypt -in in.pem -out out.pem";

    private RsaPrivateKeys() {
    }

    /**
     * Parses an unencrypted PKCS#8 RSA private key with CRT parameters. Refuses any other structure
     * (PKCS#1, encrypted PKCS#8, non-DER) and any other algorithm (EC, Ed25519, RSASSA-PSS, ...).
     * It does not check the size; see {@link #requireSupportedSize}.
     */
    public static RSAPrivateCrtKey parsePkcs8(SecretBytes pkcs8Der) {
        return pkcs8Der.read(RsaPrivateKeys::parsePkcs8Bytes);
    }

    /**
     * Parses PKCS#8 and checks that the key is RSA 2048, 3072 or 4096; returns its key type.
     * Convenience for the common "is this a key we can hold and import" check.
     */
    public static KeyType requireSupportedRsaPkcs8(SecretBytes pkcs8Der) {
        return requireSupportedSize(parsePkcs8(pkcs8Der));
    }

    /** The public half of a CRT private key (modulus and public exponent). */
    public static RSAPublicKey publicKeyOf(RSAPrivateCrtKey privateKey) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's RSA KeyFactory refused a public key it should accept", e);
        }
    }

    /** The key type of an RSA key whose modulus is exactly 2048, 3072 or 4096 bits; refuses other sizes. */
    public static KeyType requireSupportedSize(RSAKey key) {
        int bits = key.getModulus().bitLength();
        return KeyType.rsaOfSize(bits).orElseThrow(() -> new IllegalArgumentException(
                "the RSA key has a " + bits + "-bit modulus; accepted sizes are " + KeyType.rsaSizesInProse() + " bits"));
    }

    private static RSAPrivateCrtKey parsePkcs8Bytes(byte[] der) {
        switch (Asn1Peek.privateKeyShape(der)) {
            case PKCS8:
                break;
            case PKCS1_RSA:
                throw new IllegalArgumentException("the private key is PKCS#1 (RSAPrivateKey), not PKCS#8; convert it with: "
                        + PKCS8_CONVERSION_HINT);
            case ENCRYPTED_PKCS8:
                throw new IllegalArgumentException("the private key is encrypted PKCS#8; an unencrypted PKCS#8 key is required;"
                        + " decrypt it with: " + PKCS8_CONVERSION_HINT);
            default:
                throw new IllegalArgumentException("the private key is not PKCS#8 DER; an unencrypted PKCS#8 RSA private key"
                        + " (DER, or PEM \"BEGIN PRIVATE KEY\") is required");
        }
        String oid = Asn1Peek.pkcs8AlgorithmOid(der).orElseThrow(() -> new IllegalArgumentException(
                "the PKCS#8 private key is malformed: its algorithm identifier cannot be read"));
        if (!Asn1Peek.RSA_ENCRYPTION_OID.equals(oid)) {
            throw new IllegalArgumentException("the private key is " + Asn1Peek.describeAlgorithm(oid)
                    + ", not RSA (rsaEncryption, OID " + Asn1Peek.RSA_ENCRYPTION_OID + "); accepted are RSA keys of "
                    + KeyType.rsaSizesInProse() + " bits");
        }
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            // The JDK's message can quote encoded fields; ours names the problem without them.
            throw new IllegalArgumentException("the PKCS#8 RSA private key is malformed and cannot be read");
        }
        if (!(key instanceof RSAPrivateCrtKey)) {
            throw new IllegalArgumentException("the PKCS#8 RSA private key has no CRT parameters (p, q, dp, dq, qi);"
                    + " a full RSA private key is required");
        }
        return (RSAPrivateCrtKey) key;
    }
}
