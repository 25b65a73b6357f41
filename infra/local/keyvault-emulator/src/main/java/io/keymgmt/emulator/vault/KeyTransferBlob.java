package io.keymgmt.emulator.vault;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

import io.keymgmt.emulator.http.Exchanges;

/**
 * The BYOK key transfer blob of Azure's BYOK specification, as sent in {@code key_hsm}: base64(url)
 * of the UTF-8 JSON {@code {"schema_version":"1.0.0","header":{"kid","alg":"dir",
 * "enc":"CKM_RSA_AES_KEY_WRAP"},"ciphertext","generator"}}. Parsing checks the envelope only; which
 * KEK the kid names, and whether the ciphertext unwraps, is the vault's business.
 */
record KeyTransferBlob(String kid, byte[] ciphertext) {

    static final String SCHEMA_VERSION = "1.0.0";
    static final String ALG = "dir";
    static final String ENC = "CKM_RSA_AES_KEY_WRAP";

    static KeyTransferBlob parse(String keyHsm) {
        byte[] json = Base64Values.decode("key.key_hsm", keyHsm);
        JsonNode blob;
        try {
            blob = Exchanges.JSON.readTree(json);
        } catch (Exception e) {
            blob = null;
        }
        if (blob == null || !blob.isObject()) {
            throw KeyVaultException.badParameter("key.key_hsm is not a BYOK transfer blob: it must be the base64url of "
                    + "the UTF-8 JSON {\"schema_version\":\"1.0.0\",\"header\":{\"kid\",\"alg\":\"dir\",\"enc\":"
                    + "\"CKM_RSA_AES_KEY_WRAP\"},\"ciphertext\",\"generator\"}.");
        }
        String schema = blob.path("schema_version").asText(null);
        if (!SCHEMA_VERSION.equals(schema)) {
            throw KeyVaultException.badParameter("The BYOK blob's schema_version is " + quoted(schema)
                    + "; the accepted schema_version is \"1.0.0\".");
        }
        JsonNode header = blob.get("header");
        if (header == null || !header.isObject()) {
            throw KeyVaultException.badParameter("The BYOK blob has no header object; it needs {\"kid\",\"alg\":\"dir\","
                    + "\"enc\":\"CKM_RSA_AES_KEY_WRAP\"}.");
        }
        String alg = header.path("alg").asText(null);
        if (!ALG.equals(alg)) {
            throw KeyVaultException.badParameter("The BYOK blob's header.alg is " + quoted(alg)
                    + "; the accepted value is \"dir\".");
        }
        String enc = header.path("enc").asText(null);
        if (!ENC.equals(enc)) {
            throw KeyVaultException.badParameter("The BYOK blob's header.enc is " + quoted(enc)
                    + "; the accepted value is \"CKM_RSA_AES_KEY_WRAP\".");
        }
        String kid = header.path("kid").asText(null);
        if (kid == null || kid.isEmpty()) {
            throw KeyVaultException.badParameter("The BYOK blob's header.kid is missing; it must be the versioned key "
                    + "id of the key exchange key (KEK) in this vault.");
        }
        JsonNode ciphertext = blob.get("ciphertext");
        if (ciphertext == null || !ciphertext.isTextual() || ciphertext.asText().isEmpty()) {
            throw KeyVaultException.badParameter("The BYOK blob has no ciphertext; it must be the base64url of "
                    + "RSA-OAEP(KEK, AES key) || AES-KWP(AES key, PKCS#8 private key).");
        }
        return new KeyTransferBlob(kid, Base64Values.decode("ciphertext (in key_hsm)", ciphertext.asText()));
    }

    private static String quoted(String value) {
        return value == null ? "missing" : "\"" + value + "\"";
    }

    @Override
    public String toString() {
        return "KeyTransferBlob[kid=" + kid + ", ciphertext=" + ciphertext.length + " bytes]";
    }
}
