package io.keymgmt.emulator.vault;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/** Key Vault's base64url values: written without padding, read leniently (url or standard alphabet, padded or not). */
final class Base64Values {

    private Base64Values() {
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A JWK integer: big-endian, unsigned, without a leading zero byte (RFC 7518 6.3). */
    static String encodeUnsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return encode(bytes);
    }

    static byte[] decode(String field, String value) {
        String normalized = value.strip().replace('-', '+').replace('_', '/');
        while (normalized.endsWith("=")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        if (normalized.length() % 4 == 1) {
            throw KeyVaultException.badParameter("'" + field + "' is not valid base64url: its length is impossible.");
        }
        try {
            return Base64.getDecoder().decode(normalized + "==".substring(0, (4 - normalized.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            throw KeyVaultException.badParameter("'" + field + "' is not valid base64url: " + e.getMessage());
        }
    }

    static BigInteger decodeUnsigned(String field, String value) {
        byte[] bytes = decode(field, value);
        if (bytes.length == 0) {
            throw KeyVaultException.badParameter("'" + field + "' is empty; a JWK integer needs at least one byte.");
        }
        return new BigInteger(1, bytes);
    }
}
