package io.keymgmt.emulator.vault;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RSA private keys as the vault holds them: generated, read from a private JWK, or read from the
 * PKCS#8 a BYOK blob carries. Every imported key is checked for internal consistency, so that a
 * product bug in encoding a component is caught here and not by a customer's HSM.
 */
final class RsaKeyMaterial {

    private RsaKeyMaterial() {
    }

    static RSAPrivateCrtKey generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            return (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK could not generate an RSA-" + bits + " key", e);
        }
    }

    /** A private RSA JWK (RFC 7518 6.3): all of n, e, d, p, q, dp, dq, qi are required. */
    static RSAPrivateCrtKey fromJwk(ObjectNode jwk) {
        if (!jwk.hasNonNull("d")) {
            throw KeyVaultException.badParameter("The JSON Web Key has no private part (d); Key Vault imports private "
                    + "keys only. Send n, e, d, p, q, dp, dq and qi.");
        }
        return fromComponents(component(jwk, "n"), component(jwk, "e"), component(jwk, "d"), component(jwk, "p"),
                component(jwk, "q"), component(jwk, "dp"), component(jwk, "dq"), component(jwk, "qi"),
                "the imported JSON Web Key");
    }

    /** The DER PrivateKeyInfo (PKCS#8) of an RSA key, parsed with BouncyCastle. */
    static RSAPrivateCrtKey fromPkcs8(byte[] der) {
        RSAPrivateKey rsa;
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
            if (!PKCSObjectIdentifiers.rsaEncryption.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
                throw KeyVaultException.badParameter("The key in the BYOK blob is not an RSA key (PKCS#8 algorithm "
                        + info.getPrivateKeyAlgorithm().getAlgorithm() + "); this emulator imports RSA keys only.");
            }
            rsa = RSAPrivateKey.getInstance(info.parsePrivateKey());
        } catch (KeyVaultException e) {
            throw e;
        } catch (Exception e) {
            throw KeyVaultException.badParameter("The key in the BYOK blob unwrapped, but is not a DER PKCS#8 "
                    + "PrivateKeyInfo of an RSA key (" + e.getClass().getSimpleName() + ").");
        }
        return fromComponents(rsa.getModulus(), rsa.getPublicExponent(), rsa.getPrivateExponent(), rsa.getPrime1(),
                rsa.getPrime2(), rsa.getExponent1(), rsa.getExponent2(), rsa.getCoefficient(), "the key in the BYOK blob");
    }

    private static RSAPrivateCrtKey fromComponents(BigInteger n, BigInteger e, BigInteger d, BigInteger p,
            BigInteger q, BigInteger dp, BigInteger dq, BigInteger qi, String what) {
        int bits = n.bitLength();
        if (!KeyRequests.RSA_KEY_SIZES.contains(bits)) {
            throw KeyVaultException.badParameter("The modulus of " + what + " has " + bits + " bits; accepted RSA key "
                    + "sizes are 2048, 3072 and 4096 bits.");
        }
        BigInteger one = BigInteger.ONE;
        String inconsistent = null;
        if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) {
            inconsistent = "the public exponent e must be odd and at least 3";
        } else if (!p.multiply(q).equals(n)) {
            inconsistent = "n is not p*q";
        } else if (!d.mod(p.subtract(one)).equals(dp) || !d.mod(q.subtract(one)).equals(dq)) {
            inconsistent = "dp or dq is not d mod (p-1) / d mod (q-1)";
        } else if (!e.multiply(dp).mod(p.subtract(one)).equals(one) || !e.multiply(dq).mod(q.subtract(one)).equals(one)) {
            inconsistent = "d is not the inverse of e";
        } else if (!qi.multiply(q).mod(p).equals(one)) {
            inconsistent = "qi is not q^-1 mod p";
        }
        if (inconsistent != null) {
            throw KeyVaultException.badParameter("The RSA components of " + what + " are inconsistent: " + inconsistent
                    + ". Integers must be unsigned big-endian base64url (RFC 7518 6.3).");
        }
        try {
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qi));
        } catch (GeneralSecurityException ex) {
            throw KeyVaultException.badParameter("The JDK refused the RSA components of " + what + ": " + ex.getMessage());
        }
    }

    private static BigInteger component(ObjectNode jwk, String name) {
        return Base64Values.decodeUnsigned("key." + name, KeyRequests.requiredText(jwk, "key." + name));
    }
}
