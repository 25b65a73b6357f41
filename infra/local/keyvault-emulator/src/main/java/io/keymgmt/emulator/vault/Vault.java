package io.keymgmt.emulator.vault;

import java.net.URI;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.OptionalLong;

/**
 * One vault's keys: versions, soft-deleted keys, and the vault's access policy and throttle. All
 * state is in memory and guarded by this object's lock; what leaves it ({@link KeyVersion}, lists)
 * is immutable. Names are case-insensitive, as in Key Vault.
 *
 * <p>Bounded: at most {@value #MAX_KEY_NAMES} key names (active and deleted) and
 * {@value #MAX_VERSIONS_PER_KEY} versions per key.
 */
public final class Vault {

    static final int MAX_KEY_NAMES = 5_000;
    static final int MAX_VERSIONS_PER_KEY = 500;
    static final int RECOVERABLE_DAYS = 90;
    static final String RECOVERY_LEVEL = "Recoverable+Purgeable";

    /** A soft-deleted key: every version it had, and when it was deleted and will be purged (epoch seconds). */
    record DeletedKey(List<KeyVersion> versions, long deletedDate, long scheduledPurgeDate) {
        KeyVersion latest() {
            return versions.get(versions.size() - 1);
        }
    }

    private final String name;
    private final String location;
    private final URI url;
    private volatile AccessPolicy accessPolicy;
    private final CreateThrottle throttle;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, List<KeyVersion>> active = new LinkedHashMap<>();
    private final Map<String, DeletedKey> deleted = new LinkedHashMap<>();

    /**
     * @param throttleLimit create/import calls allowed per 10 s, or null for no throttling
     */
    public Vault(String name, String location, URI url, AccessPolicy accessPolicy, Integer throttleLimit, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.location = Objects.requireNonNull(location, "location");
        this.url = Objects.requireNonNull(url, "url");
        this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
        this.throttle = throttleLimit == null ? null : new CreateThrottle(throttleLimit);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    /** {@code https://127.0.0.1:<port>}, without a trailing slash. */
    public URI url() {
        return url;
    }

    AccessPolicy accessPolicy() {
        return accessPolicy;
    }

    /** Replaces one principal's key permissions, as an operator editing the access policy would. */
    public synchronized void setPermissions(String clientId, Set<KeyPermission> permissions) {
        accessPolicy = accessPolicy.withPermissions(clientId, permissions);
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    /** Empty when a create/import may proceed, else the Retry-After seconds. */
    OptionalLong admitCreate() {
        return throttle == null ? OptionalLong.empty() : throttle.admit(clock.instant());
    }

    /** Fails fast, before generating or unwrapping a key, when the name cannot take a new version. */
    synchronized void checkNameUsable(String keyName) {
        purgeExpired();
        String id = id(keyName);
        if (deleted.containsKey(id)) {
            throw KeyVaultException.deletedButRecoverable(keyName);
        }
        List<KeyVersion> versions = active.get(id);
        if (versions == null && active.size() + deleted.size() >= MAX_KEY_NAMES) {
            throw KeyVaultException.badParameter("This emulated vault already holds " + MAX_KEY_NAMES + " key names, its "
                    + "limit; delete and purge keys or use another vault.");
        }
        if (versions != null && versions.size() >= MAX_VERSIONS_PER_KEY) {
            throw KeyVaultException.badParameter("Key " + keyName + " already has " + MAX_VERSIONS_PER_KEY + " versions, "
                    + "this emulator's limit per key.");
        }
    }

    /** Adds a version (creating the key if the name is new); Key Vault's create and import both do this. */
    synchronized KeyVersion addVersion(String keyName, String kty, List<String> keyOps, RSAPrivateCrtKey key,
            KeyRequests.Attributes attributes, Map<String, String> tags) {
        checkNameUsable(keyName);
        List<KeyVersion> versions = active.computeIfAbsent(id(keyName), n -> new ArrayList<>());
        String displayName = versions.isEmpty() ? keyName : versions.get(0).keyName();
        String version;
        do {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            version = HexFormat.of().formatHex(bytes);
        } while (find(versions, version) != null);
        long now = now();
        KeyVersion created = new KeyVersion(displayName, version, kty, keyOps, key,
                attributes.enabled() == null || attributes.enabled(), attributes.notBefore(), attributes.expires(),
                now, now, tags);
        versions.add(created);
        return created;
    }

    /** A version, or the latest when {@code version} is null or empty. */
    synchronized KeyVersion version(String keyName, String version) {
        List<KeyVersion> versions = activeVersions(keyName);
        if (version == null || version.isEmpty()) {
            return versions.get(versions.size() - 1);
        }
        KeyVersion found = find(versions, version);
        if (found == null) {
            throw KeyVaultException.keyNotFound(keyName + "/" + version);
        }
        return found;
    }

    /** Null instead of 404, for callers (BYOK) that report a missing key in their own words. */
    synchronized KeyVersion findVersion(String keyName, String version) {
        purgeExpired();
        List<KeyVersion> versions = active.get(id(keyName));
        return versions == null ? null : find(versions, version);
    }

    synchronized List<KeyVersion> versions(String keyName) {
        return List.copyOf(activeVersions(keyName));
    }

    /** The latest version of every active key. */
    synchronized List<KeyVersion> latestVersions() {
        purgeExpired();
        return active.values().stream().map(v -> v.get(v.size() - 1)).toList();
    }

    synchronized KeyVersion update(String keyName, String version, KeyRequests.Update update) {
        List<KeyVersion> versions = activeVersions(keyName);
        int index = versions.size() - 1;
        if (version != null && !version.isEmpty()) {
            index = versions.indexOf(find(versions, version));
            if (index < 0) {
                throw KeyVaultException.keyNotFound(keyName + "/" + version);
            }
        }
        KeyVersion updated = versions.get(index).updated(update.keyOps(), update.attributes(), update.tags(), now());
        versions.set(index, updated);
        return updated;
    }

    /** Soft delete: every version moves to the deleted state, recoverable for {@value #RECOVERABLE_DAYS} days. */
    synchronized DeletedKey delete(String keyName) {
        List<KeyVersion> versions = activeVersions(keyName);
        active.remove(id(keyName));
        long now = now();
        DeletedKey deletedKey = new DeletedKey(List.copyOf(versions), now,
                now + Duration.ofDays(RECOVERABLE_DAYS).toSeconds());
        deleted.put(id(keyName), deletedKey);
        return deletedKey;
    }

    synchronized DeletedKey deletedKey(String keyName) {
        purgeExpired();
        DeletedKey deletedKey = deleted.get(id(keyName));
        if (deletedKey == null) {
            throw KeyVaultException.deletedKeyNotFound(keyName);
        }
        return deletedKey;
    }

    synchronized List<DeletedKey> deletedKeys() {
        purgeExpired();
        return List.copyOf(deleted.values());
    }

    synchronized KeyVersion recover(String keyName) {
        DeletedKey deletedKey = deletedKey(keyName);
        deleted.remove(id(keyName));
        active.put(id(keyName), new ArrayList<>(deletedKey.versions()));
        return deletedKey.latest();
    }

    synchronized void purge(String keyName) {
        deletedKey(keyName);
        deleted.remove(id(keyName));
    }

    /** The live, mutable list: only for use under this object's lock, never handed out. */
    private List<KeyVersion> activeVersions(String keyName) {
        purgeExpired();
        List<KeyVersion> versions = active.get(id(keyName));
        if (versions == null) {
            throw KeyVaultException.keyNotFound(keyName);
        }
        return versions;
    }

    /** Deleted keys past their scheduled purge date disappear, as Key Vault purges them. */
    private void purgeExpired() {
        long now = now();
        deleted.values().removeIf(d -> d.scheduledPurgeDate() <= now);
    }

    private static KeyVersion find(List<KeyVersion> versions, String version) {
        for (KeyVersion v : versions) {
            if (v.version().equalsIgnoreCase(version)) {
                return v;
            }
        }
        return null;
    }

    private static String id(String keyName) {
        return keyName.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Vault[" + name + " at " + url + "]";
    }
}
