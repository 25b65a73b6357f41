package io.keymgmt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keymgmt.engine.fakes.FlakySealer;
import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryOperationStore;
import io.keymgmt.engine.fakes.InMemoryProviderStore;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVaults;
import io.keymgmt.engine.fakes.SteppingClock;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.keys.RsaKeyGenerator;
import io.keymgmt.keys.RsaKeyMaterial;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.seal.EnvelopeSealer;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.store.Stored;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;

/**
 * One engine over in-memory fakes of every port: the stores, the target vaults, a real sealer (an
 * EnvelopeSealer over a local key file) that can be made to fail, and a clock that stands still.
 * Keys can be created through the engine (which generates RSA keys, the slow part) or seeded through
 * the store port with pre-generated RSA-2048 material sealed exactly as the engine seals it.
 */
final class EngineFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    static final String AZURE = "azurekeyvault";

    /** Pre-generated key material for seeded versions; version n of any seeded key uses entry (n-1) mod size. */
    private static final List<RsaKeyMaterial> POOL = new ArrayList<>();
    private static final int POOL_SIZE = 4;

    final InMemoryKeyStore keyStore = new InMemoryKeyStore();
    final InMemoryProviderStore providerStore = new InMemoryProviderStore();
    final InMemoryOperationStore operationStore = new InMemoryOperationStore();
    final InMemoryVaults vaults = new InMemoryVaults();
    final SteppingClock clock = new SteppingClock(T0);
    final FlakySealer sealer;
    final KeyManagementEngine engine;
    final EngineSettings settings;
    private final LocalKeyFileKek kek;

    EngineFixture(Path dir) {
        this(dir, EngineSettings.defaults());
    }

    /** An engine with the deployment's settings (minimum rotation period, retry backoff) given. */
    EngineFixture(Path dir, EngineSettings settings) {
        this.settings = settings;
        kek = LocalKeyFileKek.openOrCreate(dir.resolve("kek.key"));
        sealer = new FlakySealer(new EnvelopeSealer(kek));
        engine = KeyManagementEngine.create(keyStore, providerStore, operationStore, sealer, vaults, clock, settings);
    }

    /** Another instance of the engine (its own connection cache) over the same storage, sealer and vaults. */
    KeyManagementEngine anotherInstance() {
        return KeyManagementEngine.create(keyStore, providerStore, operationStore, sealer, vaults, clock, settings);
    }

    Keys keys() {
        return engine.keys();
    }

    Providers providers() {
        return engine.providers();
    }

    Distributions distributions() {
        return engine.distributions();
    }

    Rotations rotations() {
        return engine.rotations();
    }

    /** Request values from name, value pairs; values may be null. */
    static Parameters params(Object... namesAndValues) {
        return Parameters.of(map(namesAndValues));
    }

    static Map<String, Object> map(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return values;
    }

    /** The operation fails with {@code fault}; returns the exception for its message. */
    static KeyManagementException assertFault(Fault fault, Executable operation) {
        KeyManagementException e = assertThrows(KeyManagementException.class, operation);
        assertEquals(fault, e.fault(), () -> "fault of: " + e.getMessage());
        return e;
    }

    // Providers

    static String vaultName(String provider) {
        return "vault-" + provider;
    }

    /** Creates a provider through the engine, its vault named after it (and made now), without credentials. */
    void provider(String name) {
        providers().write(name, params("provider", AZURE, "key_collection", vaultName(name)));
        vaultOf(name);
    }

    InMemoryVault vaultOf(String provider) {
        return vaults.vault(vaultName(provider));
    }

    KmsProvider storedProvider(String name) {
        return providerStore.stored(name).orElseThrow().value();
    }

    // Keys

    /** Creates a key through the engine: real RSA generation. */
    void createKey(String name, Object... namesAndValues) {
        keys().write(name, params(namesAndValues));
    }

    /** Seeds a key with {@code versions} versions through the store port, unobserved. */
    void seedKey(String name, int versions) {
        seedKey(name, versions, 1, false);
    }

    void seedKey(String name, int versions, int minEnabledVersion, boolean deletionAllowed) {
        quietly(() -> {
            KeyMaterial material = new KeyMaterial(sealer);
            Stored<ManagedKey> key = keyStore.create(ManagedKey.created(name, KeyType.RSA_2048, clock.instant()),
                    pooledVersion(material, name, 1));
            for (int v = 2; v <= versions; v++) {
                ManagedKey rotated = key.value().rotated(clock.instant());
                key = keyStore.addVersion(rotated, key.etag(), pooledVersion(material, name, v));
            }
            ManagedKey updated = key.value().withMinEnabledVersion(minEnabledVersion, clock.instant())
                    .withDeletionAllowed(deletionAllowed, clock.instant());
            if (updated != key.value()) {
                keyStore.update(updated, key.etag());
            }
        });
    }

    private KeyVersion pooledVersion(KeyMaterial material, String name, int number) {
        RsaKeyMaterial pooled = pooled(number);
        return new KeyVersion(name, number, clock.instant(), PublicKeyPem.encode(pooled.publicKey()),
                material.seal(name, number, pooled.privateKeyPkcs8()));
    }

    private static synchronized RsaKeyMaterial pooled(int number) {
        while (POOL.size() < POOL_SIZE) {
            POOL.add(RsaKeyGenerator.generate(KeyType.RSA_2048));
        }
        return POOL.get((number - 1) % POOL_SIZE);
    }

    /** Gives a seeded key a rotation period through the store port, unobserved (its last rotation stays). */
    void rotateEvery(String name, Duration period) {
        quietly(() -> {
            Stored<ManagedKey> key = keyStore.find(name).orElseThrow();
            keyStore.update(key.value().withRotationPeriod(period, clock.instant()), key.etag());
        });
    }

    ManagedKey storedKey(String name) {
        return quietlyGet(() -> keyStore.find(name)).orElseThrow(() -> new AssertionError("no key " + name)).value();
    }

    Optional<Stored<ManagedKey>> findKey(String name) {
        return quietlyGet(() -> keyStore.find(name));
    }

    List<KeyVersion> storedVersions(String name) {
        return quietlyGet(() -> keyStore.versions(name));
    }

    /** The modulus of a stored version's public key: what the vault must hold for that version. */
    BigInteger modulusOf(String key, int version) {
        KeyVersion v = quietlyGet(() -> keyStore.version(key, version)).orElseThrow();
        return ((RSAPublicKey) PublicKeyPem.parse(v.publicKeyPem())).getModulus();
    }

    // Distributions

    /** Distributes through the engine with the given purpose and protection. */
    Written distribute(String provider, String key, String purpose, String protection) {
        return distributions().distribute(provider, key, params("purpose", purpose, "protection", protection));
    }

    Distribution distribution(String provider, String key) {
        return storedDistribution(provider, key).orElseThrow(() -> new AssertionError(
                "no distribution of " + key + " to " + provider)).value();
    }

    Optional<Stored<Distribution>> storedDistribution(String provider, String key) {
        return quietlyGet(() -> keyStore.distribution(key, provider));
    }

    // Observation

    /** Runs {@code action} with no port counting or intercepting its calls: set-up, or another instance at work. */
    void quietly(Runnable action) {
        keyStore.calls().unobserved(() -> providerStore.calls().unobserved(() -> sealer.calls().unobserved(
                () -> vaults.unobserved(action))));
    }

    /** {@code action} as another instance doing it meanwhile: for {@code beforeNext}, unobserved on every port. */
    Runnable meanwhile(Runnable action) {
        return () -> quietly(action);
    }

    <T> T quietlyGet(Supplier<T> action) {
        List<T> result = new ArrayList<>(1);
        quietly(() -> result.add(action.get()));
        return result.get(0);
    }

    /** Forgets every count of the stores, the sealer, the connector and the vaults. */
    void resetCounts() {
        keyStore.calls().resetCounts();
        providerStore.calls().resetCounts();
        sealer.calls().resetCounts();
        vaults.resetCounts();
    }

    @Override
    public void close() {
        kek.close();
    }
}
