package io.keymgmt.emulator.vault;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** The key operations a vault performs with a key it holds: RSA-OAEP encryption and RS256/384/512 signing. */
final class KeyCryptography {

    /** JWA RSA-OAEP is SHA-1/MGF1-SHA-1; RSA-OAEP-256 is SHA-256 with MGF1-SHA-256 (not the JDK's default MGF1). */
    private static final Map<String, OAEPParameterSpec> OAEP = Map.of(
            "RSA-OAEP", new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT),
            "RSA-OAEP-256", new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));

    private record DigestAlgorithm(ASN1ObjectIdentifier oid, int length) {
    }

    private static final Map<String, DigestAlgorithm> SIGNATURES = Map.of(
            "RS256", new DigestAlgorithm(NISTObjectIdentifiers.id_sha256, 32),
            "RS384", new DigestAlgorithm(NISTObjectIdentifiers.id_sha384, 48),
            "RS512", new DigestAlgorithm(NISTObjectIdentifiers.id_sha512, 64));

    private KeyCryptography() {
    }

    static byte[] encrypt(KeyVersion key, String algorithm, byte[] plaintext) {
        OAEPParameterSpec spec = oaep(algorithm);
        int hashLength = "RSA-OAEP".equals(algorithm) ? 20 : 32;
        int max = key.modulusBytes() - 2 * hashLength - 2;
        if (plaintext.length > max) {
            throw KeyVaultException.badParameter("The value is " + plaintext.length + " bytes; " + algorithm + " with a "
                    + key.modulus().bitLength() + "-bit key takes at most " + max + " bytes.");
        }
        try {
            PublicKey publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.modulus(), key.publicExponent()));
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.ENCRYPT_MODE, publicKey, spec);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP encryption failed in the JDK", e);
        }
    }

    static byte[] decrypt(KeyVersion key, String algorithm, byte[] ciphertext) {
        OAEPParameterSpec spec = oaep(algorithm);
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.privateKey(), spec);
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw KeyVaultException.badParameter("The value could not be decrypted with " + algorithm + " under key "
                    + key.keyName() + "/" + key.version() + ": it was made with another key or algorithm, or is "
                    + "corrupted.");
        }
    }

    /** RSASSA-PKCS1-v1_5 over a digest the caller computed, as Key Vault's sign operation takes it. */
    static byte[] sign(KeyVersion key, String algorithm, byte[] digest) {
        DigestAlgorithm digestAlgorithm = SIGNATURES.get(algorithm);
        if (digestAlgorithm == null) {
            throw KeyVaultException.badParameter("Signature algorithm '" + algorithm + "' is not supported by this "
                    + "emulator; accepted: RS256, RS384, RS512.");
        }
        if (digest.length != digestAlgorithm.length()) {
            throw KeyVaultException.badParameter("The digest is " + digest.length + " bytes; " + algorithm + " signs a "
                    + digestAlgorithm.length() + "-byte digest.");
        }
        RSAPrivateCrtKey privateKey = key.privateKey();
        try {
            byte[] digestInfo = new DigestInfo(new AlgorithmIdentifier(digestAlgorithm.oid(), DERNull.INSTANCE), digest)
                    .getEncoded(ASN1Encoding.DER);
            Signature signature = Signature.getInstance("NONEwithRSA");
            signature.initSign(privateKey);
            signature.update(digestInfo);
            return signature.sign();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("RSA signing failed in the JDK", e);
        }
    }

    private static OAEPParameterSpec oaep(String algorithm) {
        OAEPParameterSpec spec = OAEP.get(algorithm);
        if (spec == null) {
            throw KeyVaultException.badParameter("Algorithm '" + algorithm + "' is not supported by this emulator; "
                    + "accepted: RSA-OAEP, RSA-OAEP-256.");
        }
        return spec;
    }
}
