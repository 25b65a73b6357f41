package io.keymgmt.seal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Names the owner of a sealed blob (a key version, a provider's credentials). It is authenticated
 * but not encrypted, so a blob opens only for the owner it was sealed for.
 *
 * <p>Encoding: a domain label first, then each part, every one as a 4-byte big-endian length
 * followed by its UTF-8 bytes. Length prefixes make the encoding injective, so ("ab", "c") and
 * ("a", "bc") differ. Strings that are not valid Unicode (unpaired surrogates) are refused rather
 * than replaced, because replacement would let two different owners encode alike.
 */
public final class AssociatedData {

    /** Domain of a key version's private key: parts are the key name and the version number. */
    public static final String KEY_VERSION = "key-version";
    /** Domain of a KMS provider's credentials: the part is the provider name. */
    public static final String PROVIDER_CREDENTIALS = "provider-credentials";

    private final List<String> labels;
    private final byte[] encoded;

    private AssociatedData(List<String> labels, byte[] encoded) {
        this.labels = labels;
        this.encoded = encoded;
    }

    /** Associated data under {@code domain}, e.g. {@code of("key-version", "demo", "3")}. */
    public static AssociatedData of(String domain, String... parts) {
        Objects.requireNonNull(domain, "domain");
        if (domain.isBlank()) {
            throw new IllegalArgumentException("the associated data's domain label must not be blank");
        }
        List<String> labels = new ArrayList<>(parts.length + 1);
        labels.add(domain);
        for (String part : parts) {
            labels.add(Objects.requireNonNull(part, "associated data part"));
        }
        return new AssociatedData(Collections.unmodifiableList(labels), encode(labels));
    }

    /** Binds a blob to one version of one managed key. */
    public static AssociatedData keyVersion(String keyName, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("key versions start at 1, got " + version);
        }
        return of(KEY_VERSION, requireNonBlank(keyName, "key name"), Integer.toString(version));
    }

    /** Binds a blob to the credentials of one KMS provider. */
    public static AssociatedData providerCredentials(String providerName) {
        return of(PROVIDER_CREDENTIALS, requireNonBlank(providerName, "provider name"));
    }

    public String domain() {
        return labels.get(0);
    }

    /** The parts after the domain label. */
    public List<String> parts() {
        return labels.subList(1, labels.size());
    }

    /** The canonical encoding; a fresh copy. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Appends the canonical encoding without copying it first. */
    void writeTo(ByteArrayOutputStream out) {
        out.writeBytes(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssociatedData other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    /** Owners are names, not secrets, so they may appear in logs and messages. */
    @Override
    public String toString() {
        return "AssociatedData" + labels;
    }

    private static byte[] encode(List<String> labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (String label : labels) {
            ByteBuffer bytes;
            try {
                bytes = utf8.reset().encode(CharBuffer.wrap(label));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(
                        "associated data must be valid Unicode text; a part contains an unpaired surrogate", e);
            }
            int length = bytes.remaining();
            out.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
            byte[] b = new byte[length];
            bytes.get(b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static String requireNonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + what + " must not be blank");
        }
        return value;
    }
}
