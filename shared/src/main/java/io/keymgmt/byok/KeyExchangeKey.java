package io.keymgmt.byok;

import io.keymgmt.keys.KeyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Key Exchange Key (KEK) a transfer blob is wrapped for: an RSA-HSM key in the target vault, named
 * by its versioned key id (which goes into the blob's {@code header.kid}) and its public key.
 *
 * <p>Azure accepts KEKs of 2048, 3072 or 4096 bits only. The id must name one version,
 * {@code https://<host>[:port]/keys/<name>/<version>}, because the HSM looks the KEK up by it. The
 * version must be 32 lower-case hex digits, exactly as Key Vault issues it: upper case is refused
 * rather than accepted or rewritten, since whether Key Vault matches the kid case-insensitively is not
 * documented, and a blob with a mismatched kid fails only later, at import, in the customer's vault.
 */
public final class KeyExchangeKey {

    private static final Pattern KEY_NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern ANY_CASE_HEX_32 = Pattern.compile("[0-9A-Fa-f]{32}");
    private static final String EXPECTED_FORM =
            "expected a versioned Key Vault key id https://<vault-host>[:port]/keys/<name>/<32 lower-case hex version>,"
                    + " e.g. https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef";

    private final String kid;
    private final RSAPublicKey publicKey;

    private KeyExchangeKey(String kid, RSAPublicKey publicKey) {
        this.kid = kid;
        this.publicKey = publicKey;
    }

    /** Validates both the id and the key; see the class description for what is accepted. */
    public static KeyExchangeKey of(String kid, PublicKey publicKey) {
        requireVersionedKeyId(kid);
        Objects.requireNonNull(publicKey, "publicKey");
        if (!(publicKey instanceof RSAPublicKey) || !"RSA".equals(publicKey.getAlgorithm())) {
            // RSASSA-PSS keys are RSAPublicKeys too, but restricted to signing: OAEP needs a plain RSA key.
            throw new IllegalArgumentException("the key exchange key is " + publicKey.getAlgorithm()
                    + ", not RSA (rsaEncryption); Azure Key Vault key exchange keys are RSA of " + KeyType.rsaSizesInProse() + " bits");
        }
        RSAPublicKey rsa = (RSAPublicKey) publicKey;
        int bits = rsa.getModulus().bitLength();
        if (KeyType.rsaOfSize(bits).isEmpty()) {
            throw new IllegalArgumentException("the key exchange key has a " + bits + "-bit modulus; Azure Key Vault key"
                    + " exchange keys are RSA of " + KeyType.rsaSizesInProse() + " bits");
        }
        return new KeyExchangeKey(kid, rsa);
    }

    /** The versioned key id, as written into the blob's {@code header.kid}. */
    public String kid() {
        return kid;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** The length of the RSA-OAEP part of a ciphertext wrapped for this KEK. */
    public int modulusBytes() {
        return (publicKey.getModulus().bitLength() + 7) / 8;
    }

    /**
     * Refuses anything but a versioned Key Vault key id (the form is in the class description); returns
     * it unchanged. Used for blobs read back as well as for new KEKs.
     */
    public static String requireVersionedKeyId(String kid) {
        if (kid == null || kid.isEmpty()) {
            throw new IllegalArgumentException("the key exchange key id is missing; " + EXPECTED_FORM);
        }
        String shown = "key exchange key id \"" + printable(kid) + "\"";
        for (int i = 0; i < kid.length(); i++) {
            char c = kid.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException(shown + " contains a space, control or non-ASCII character; " + EXPECTED_FORM);
            }
        }
        URI uri;
        try {
            uri = new URI(kid);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(shown + " is not a valid URL; " + EXPECTED_FORM);
        }
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(shown + " does not start with https://; " + EXPECTED_FORM);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(shown + " has no valid host name; " + EXPECTED_FORM);
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw new IllegalArgumentException(shown + " has a port outside 1-65535; " + EXPECTED_FORM);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(shown + " has a query or fragment; " + EXPECTED_FORM);
        }
        String path = uri.getRawPath();
        String[] segments = path == null ? new String[0] : path.split("/", -1);
        // "/keys/<name>/<version>" splits into "", "keys", name, version.
        if (segments.length < 3 || !segments[0].isEmpty() || !"keys".equals(segments[1])) {
            throw new IllegalArgumentException(shown + " is not a key id (its path must be /keys/<name>/<version>); "
                    + EXPECTED_FORM);
        }
        if (!KEY_NAME.matcher(segments[2]).matches()) {
            throw new IllegalArgumentException(shown + " has an invalid key name (1 to 127 of 0-9, a-z, A-Z, -); " + EXPECTED_FORM);
        }
        if (segments.length == 3 || (segments.length == 4 && segments[3].isEmpty())) {
            throw new IllegalArgumentException(shown + " has no version; Azure needs the KEK's versioned id; " + EXPECTED_FORM);
        }
        if (segments.length > 4) {
            throw new IllegalArgumentException(shown + " has extra path segments after the version; " + EXPECTED_FORM);
        }
        String version = segments[3];
        if (!VERSION.matcher(version).matches()) {
            String why = ANY_CASE_HEX_32.matcher(version).matches()
                    ? " has an upper-case version; use the id exactly as Key Vault returns it, in lower case; "
                    : " has an invalid version (32 lower-case hex digits are required); ";
            throw new IllegalArgumentException(shown + why + EXPECTED_FORM);
        }
        return kid;
    }

    /** The id for a message, cut short so a pasted blob does not flood the one-line error. */
    private static String printable(String kid) {
        String cut = kid.length() > 200 ? kid.substring(0, 200) + "..." : kid;
        StringBuilder text = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                text.append(String.format("\\u%04x", cp));
            } else {
                text.appendCodePoint(cp);
            }
        });
        return text.toString();
    }
}
