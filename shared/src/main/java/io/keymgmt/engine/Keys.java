package io.keymgmt.engine;

import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.keys.RsaKeyGenerator;
import io.keymgmt.keys.RsaKeyMaterial;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The key operations of the API: create or update, read, list, rotate, delete, list providers. */
public final class Keys {

    /** What a write to {@code key/:name} carries, parsed; absent fields are left as they are. */
    private record WriteKey(Optional<KeyType> type, Optional<Integer> minEnabledVersion,
            Optional<Boolean> deletionAllowed, Optional<Duration> rotationPeriod) {

        static WriteKey from(Parameters parameters) {
            return new WriteKey(parameters.text("type").map(Keys::parseType), parameters.integer("min_enabled_version"),
                    parameters.bool("deletion_allowed"), parameters.duration("auto_rotate_period"));
        }
    }

    /** A key with the versions a reader may see: those at or above min_enabled_version. */
    public record KeyDetails(ManagedKey key, List<KeyVersion> visibleVersions) {

        /** Vault transit's auto_rotate_period; zero when the key does not rotate by itself. */
        public Duration autoRotatePeriod() {
            return key.rotationPeriod();
        }

        /** When the latest version was created. */
        public Instant lastRotated() {
            return key.lastRotatedAt();
        }

        /** When the key rotates by itself next; empty when it does not. */
        public Optional<Instant> nextRotation() {
            return key.nextRotationAt();
        }
    }

    private static final int MAX_ATTEMPTS = 5;

    private final KeyStore store;
    private final KeyMaterial material;
    private final SyncAll syncAll;
    private final Clock clock;
    private final EngineSettings settings;

    Keys(KeyStore store, KeyMaterial material, SyncAll syncAll, Clock clock, EngineSettings settings) {
        this.store = store;
        this.material = material;
        this.syncAll = syncAll;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Creates the key if it does not exist, otherwise updates it (Vault decides the same way). An
     * update that moves min_enabled_version applies it in every vault the key is in; repeating the
     * same update finishes one that Azure interrupted.
     *
     * @param parameters {@code type} (on creation), {@code min_enabled_version}, {@code deletion_allowed},
     *     {@code auto_rotate_period}
     */
    public Written write(String name, Parameters parameters) {
        return Boundary.call(() -> {
            Names.requireKeyName(name);
            writeParsed(name, WriteKey.from(parameters));
            return new Written(parameters.warnings());
        });
    }

    private void writeParsed(String name, WriteKey request) {
        for (int attempt = 1; ; attempt++) {
            Optional<Stored<ManagedKey>> existing = store.find(name);
            try {
                if (existing.isEmpty()) {
                    create(name, request);
                    return;
                }
                Stored<ManagedKey> updated = update(existing.get(), request);
                syncAll.sync(updated.value(), "key \"" + name + "\" was updated here");
                return;
            } catch (ConcurrentUpdateException | AlreadyExistsException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("key \"" + name + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    public KeyDetails read(String name) {
        return Boundary.call(() -> {
            ManagedKey key = require(name).value();
            List<KeyVersion> visible = new ArrayList<>();
            for (KeyVersion v : store.versions(name)) {
                if (key.isEnabled(v.number())) {
                    visible.add(v);
                }
            }
            return new KeyDetails(key, visible);
        });
    }

    public List<String> list() {
        return Boundary.call(store::listNames);
    }

    /**
     * Adds a version with new key material and imports it into every vault the key is in. If an
     * import fails, the version stays here and the error says so; any later write, rotation or
     * distribution of the key imports it.
     *
     * @param parameters none are taken; any given are reported back as ignored, as Vault does
     */
    public Written rotate(String name, Parameters parameters) {
        return Boundary.call(() -> {
            Names.requireKeyName(name);
            rotateChecked(name);
            return new Written(parameters.warnings());
        });
    }

    private void rotateChecked(String name) {
        for (int attempt = 1; ; attempt++) {
            Stored<ManagedKey> current = require(name);
            // One instant for the version and the header, so last_rotated is the version's creation_time.
            Instant at = now();
            ManagedKey rotated = current.value().rotated(at);
            KeyVersion version = newVersion(name, rotated.latestVersion(), rotated.type(), at);
            try {
                Stored<ManagedKey> stored = store.addVersion(rotated, current.etag(), version);
                syncAll.sync(stored.value(), "version " + rotated.latestVersion() + " of key \"" + name
                        + "\" was created here");
                return;
            } catch (ConcurrentUpdateException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("key \"" + name + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    /** Deletes a key whose deletion is allowed and that is in no vault. Deleting a missing key succeeds. */
    public void delete(String name) {
        Boundary.run(() -> deleteChecked(name));
    }

    private void deleteChecked(String name) {
        Names.requireKeyName(name);
        for (int attempt = 1; ; attempt++) {
            Optional<Stored<ManagedKey>> current = store.find(name);
            if (current.isEmpty()) {
                // A deletion interrupted half-way hides the key but leaves its sealed versions.
                store.finishInterruptedDeletion(name);
                return;
            }
            if (!current.get().value().deletionAllowed()) {
                throw KeyManagementException.invalid("deletion is not allowed for key \"" + name
                        + "\": set deletion_allowed=true first");
            }
            List<String> providers = providerNames(name);
            if (!providers.isEmpty()) {
                throw KeyManagementException.invalid("key \"" + name + "\" is still distributed to "
                        + String.join(", ", providers) + ": remove it from each with DELETE kms/<provider>/key/"
                        + name + " first");
            }
            String etag = current.get().etag();
            try {
                store.delete(name, etag);
                return;
            } catch (ConcurrentUpdateException | StillReferencedException e) {
                // A distribution started between our check and the delete; the next round reports it.
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("key \"" + name + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    /** The providers the key is distributed to, including any still being added or removed. */
    public List<String> providers(String name) {
        return Boundary.call(() -> {
            require(name);
            return providerNames(name);
        });
    }

    private List<String> providerNames(String name) {
        List<String> names = new ArrayList<>();
        for (Stored<Distribution> d : store.distributions(name)) {
            names.add(d.value().providerName());
        }
        names.sort(null);
        return names;
    }

    private void create(String name, WriteKey request) {
        KeyType type = request.type().orElse(KeyType.RSA_2048);
        Instant at = now();
        ManagedKey key = ManagedKey.created(name, type, at);
        if (request.minEnabledVersion().isPresent()) {
            key = key.withMinEnabledVersion(checkedMinimum(request.minEnabledVersion().get(), key), now());
        }
        if (request.deletionAllowed().isPresent()) {
            key = key.withDeletionAllowed(request.deletionAllowed().get(), now());
        }
        if (request.rotationPeriod().isPresent()) {
            key = key.withRotationPeriod(checkedPeriod(request.rotationPeriod().get()), now());
        }
        store.create(key, newVersion(name, 1, type, at));
    }

    private Stored<ManagedKey> update(Stored<ManagedKey> current, WriteKey request) {
        ManagedKey key = current.value();
        if (request.type().isPresent() && request.type().get() != key.type()) {
            throw KeyManagementException.invalid("type cannot be changed after key creation: key \"" + key.name()
                    + "\" is " + key.type().wireName());
        }
        ManagedKey updated = key;
        if (request.minEnabledVersion().isPresent()) {
            updated = updated.withMinEnabledVersion(checkedMinimum(request.minEnabledVersion().get(), key), now());
        }
        if (request.deletionAllowed().isPresent()) {
            updated = updated.withDeletionAllowed(request.deletionAllowed().get(), now());
        }
        if (request.rotationPeriod().isPresent()) {
            updated = updated.withRotationPeriod(checkedPeriod(request.rotationPeriod().get()), now());
        }
        if (updated == key) {
            // Nothing to write; the caller still re-syncs, which finishes an update Azure interrupted.
            return current;
        }
        return store.update(updated, current.etag());
    }

    /** The longest period: a next rotation must stay a time every store can hold (Table Storage ends at 9999). */
    static final Duration MAXIMUM_ROTATION_PERIOD = Duration.ofDays(36_500);

    /** Zero turns rotation off; anything else must be at least the deployment's minimum, and at most 100 years. */
    private Duration checkedPeriod(Duration period) {
        if (period.compareTo(MAXIMUM_ROTATION_PERIOD) > 0) {
            throw KeyManagementException.invalid("auto_rotate_period " + Parameters.describe(period)
                    + " is longer than the maximum of " + Parameters.describe(MAXIMUM_ROTATION_PERIOD)
                    + " (100 years); give a shorter period, or 0 to turn rotation off");
        }
        if (!period.isZero() && period.compareTo(settings.minimumRotationPeriod()) < 0) {
            throw KeyManagementException.invalid("auto_rotate_period " + Parameters.describe(period)
                    + " is shorter than the minimum of " + Parameters.describe(settings.minimumRotationPeriod())
                    + " (keymgmt.rotation.minimum-period); give a longer period, or 0 to turn rotation off");
        }
        return period;
    }

    /**
     * Rotates the key if its latest version is still {@code expected} and it is due, then syncs every
     * distribution (in every case, so a repeated message finishes a rotation whose imports failed).
     * The header's ETag guards the new version, so racing workers and redelivered messages add one.
     *
     * @return whether this call added the version; empty when the key is gone
     */
    Optional<Boolean> rotateIfDue(String name, int expected) {
        for (int attempt = 1; ; attempt++) {
            Optional<Stored<ManagedKey>> current = store.find(name);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            ManagedKey key = current.get().value();
            Optional<Instant> due = key.nextRotationAt();
            if (key.latestVersion() != expected || due.isEmpty() || now().isBefore(due.get())) {
                syncAll.sync(key, "key \"" + name + "\" is at version " + key.latestVersion());
                return Optional.of(false);
            }
            Instant at = now();
            ManagedKey next = key.rotated(at);
            KeyVersion version = newVersion(name, next.latestVersion(), next.type(), at);
            try {
                Stored<ManagedKey> stored = store.addVersion(next, current.get().etag(), version);
                syncAll.sync(stored.value(), "version " + next.latestVersion() + " of key \"" + name
                        + "\" was created on schedule");
                return Optional.of(true);
            } catch (ConcurrentUpdateException e) {
                // Another worker or a hand rotation changed the header: read it again and decide again.
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("key \"" + name + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    /**
     * For an operation that rotates: adds the version after {@code expected} if the key is still at it,
     * and syncs nothing (the operation brings each vault up to date itself, to report on each). A key
     * already past {@code expected} gets no version: this operation, or another rotation, made it.
     *
     * @return the key as it now stands; empty when the key is gone
     */
    Optional<ManagedKey> rotatePast(String name, int expected) {
        for (int attempt = 1; ; attempt++) {
            Optional<Stored<ManagedKey>> current = store.find(name);
            if (current.isEmpty() || current.get().value().latestVersion() != expected) {
                return current.map(Stored::value);
            }
            Instant at = now();
            ManagedKey next = current.get().value().rotated(at);
            KeyVersion version = newVersion(name, next.latestVersion(), next.type(), at);
            try {
                return Optional.of(store.addVersion(next, current.get().etag(), version).value());
            } catch (ConcurrentUpdateException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("key \"" + name + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    /** Vault's 0 means "all versions enabled", which is min_enabled_version 1. */
    private static int checkedMinimum(int requested, ManagedKey key) {
        if (requested < 0) {
            throw KeyManagementException.invalid("min_enabled_version must be 0 or more, got " + requested);
        }
        if (requested > key.latestVersion()) {
            throw KeyManagementException.invalid("min_enabled_version " + requested + " is greater than the latest version "
                    + key.latestVersion() + " of key \"" + key.name() + "\"");
        }
        return Math.max(1, requested);
    }

    private static KeyType parseType(String wireName) {
        KeyType type;
        try {
            type = KeyType.fromWireName(wireName);
            type.requireAzureKeyVaultCompatible();
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid(e.getMessage());
        }
        return type;
    }

    private KeyVersion newVersion(String name, int number, KeyType type, Instant now) {
        try (RsaKeyMaterial generated = RsaKeyGenerator.generate(type)) {
            return new KeyVersion(name, number, now, PublicKeyPem.encode(generated.publicKey()),
                    material.seal(name, number, generated.privateKeyPkcs8()));
        }
    }

    private Stored<ManagedKey> require(String name) {
        Names.requireKeyName(name);
        return store.find(name).orElseThrow(() -> KeyManagementException.notFound("key \"" + name + "\" not found"));
    }

    private Instant now() {
        return clock.instant();
    }

    /** Keeps every distribution of a key in step with it; see {@link DistributionSync}. */
    static final class SyncAll {

        private final KeyStore store;
        private final DistributionSync sync;

        SyncAll(KeyStore store, DistributionSync sync) {
            this.store = store;
            this.sync = sync;
        }

        /**
         * Syncs each distribution; failures of some do not stop the others and are reported together,
         * after {@code done}, which says what already happened here.
         */
        void sync(ManagedKey key, String done) {
            List<KeyManagementException> failures = new ArrayList<>();
            for (Stored<Distribution> d : store.distributions(key.name())) {
                if (d.value().state() == DistributionState.REMOVING) {
                    continue;
                }
                try {
                    sync.sync(key, d);
                } catch (KeyManagementException e) {
                    failures.add(e);
                }
            }
            if (failures.isEmpty()) {
                return;
            }
            StringBuilder message = new StringBuilder(done).append(", but ").append(failures.size())
                    .append(failures.size() == 1 ? " vault" : " vaults")
                    .append(" could not follow (distributing the key to that provider again with the same purpose"
                            + " and protection finishes the job, as does the key's next update or rotation):");
            for (KeyManagementException f : failures) {
                message.append(' ').append(f.getMessage());
            }
            KeyManagementException first = failures.get(0);
            throw new KeyManagementException(first.fault(), message.toString(), first.retryAfter().orElse(null), first);
        }
    }
}
