package io.keymgmt.emulator.vault;

import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a key: its material and the attributes, key_ops and tags Key Vault keeps per
 * version. Immutable; an update makes a new instance, so a reader never sees a half-applied PATCH.
 * Not a record, because a record's toString would print the private key.
 */
final class KeyVersion {

    /** Key Vault's key types this emulator holds. */
    static final String RSA = "RSA";
    static final String RSA_HSM = "RSA-HSM";

    private final String keyName;
    private final String version;
    private final String kty;
    private final List<String> keyOps;
    private final RSAPrivateCrtKey privateKey;
    private final boolean enabled;
    private final Long notBefore;
    private final Long expires;
    private final long created;
    private final long updated;
    private final Map<String, String> tags;

    KeyVersion(String keyName, String version, String kty, List<String> keyOps, RSAPrivateCrtKey privateKey,
            boolean enabled, Long notBefore, Long expires, long created, long updated, Map<String, String> tags) {
        this.keyName = Objects.requireNonNull(keyName);
        this.version = Objects.requireNonNull(version);
        this.kty = Objects.requireNonNull(kty);
        this.keyOps = List.copyOf(keyOps);
        this.privateKey = Objects.requireNonNull(privateKey);
        this.enabled = enabled;
        this.notBefore = notBefore;
        this.expires = expires;
        this.created = created;
        this.updated = updated;
        this.tags = Map.copyOf(tags);
    }

    /** The key's name as first created; Key Vault names are case-insensitive but keep their spelling. */
    String keyName() {
        return keyName;
    }

    /** 32 lowercase hex characters, the last segment of the kid. */
    String version() {
        return version;
    }

    String kty() {
        return kty;
    }

    boolean isHsm() {
        return RSA_HSM.equals(kty);
    }

    List<String> keyOps() {
        return keyOps;
    }

    RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    BigInteger modulus() {
        return privateKey.getModulus();
    }

    BigInteger publicExponent() {
        return privateKey.getPublicExponent();
    }

    int modulusBytes() {
        return (privateKey.getModulus().bitLength() + 7) / 8;
    }

    boolean enabled() {
        return enabled;
    }

    /** Epoch seconds, or null when not set. */
    Long notBefore() {
        return notBefore;
    }

    /** Epoch seconds, or null when not set. */
    Long expires() {
        return expires;
    }

    long created() {
        return created;
    }

    long updated() {
        return updated;
    }

    Map<String, String> tags() {
        return tags;
    }

    /** Applies a PATCH: null arguments leave a value as it is. */
    KeyVersion updated(List<String> newKeyOps, KeyRequests.Attributes attributes, Map<String, String> newTags,
            long now) {
        return new KeyVersion(keyName, version, kty, newKeyOps == null ? keyOps : newKeyOps, privateKey,
                attributes.enabled() == null ? enabled : attributes.enabled(),
                attributes.notBefore() == null ? notBefore : attributes.notBefore(),
                attributes.expires() == null ? expires : attributes.expires(), created, now,
                newTags == null ? tags : newTags);
    }

    @Override
    public String toString() {
        return "KeyVersion[" + keyName + "/" + version + ", " + kty + ", " + modulus().bitLength() + " bits, ops="
                + keyOps + ", enabled=" + enabled + "]";
    }
}
