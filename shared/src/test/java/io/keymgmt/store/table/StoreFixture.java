package io.keymgmt.store.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.http.HttpClient;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.kms.KmsProviderType;
import io.keymgmt.seal.AssociatedData;
import io.keymgmt.seal.EnvelopeSealer;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.secrets.SecretBytes;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.transport.AzureHttpClients;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the Table Storage adapter tests share: the one Azurite of the test JVM, fresh tables per test
 * (so listings can be asserted exactly), and domain values with real sealed blobs. No RSA keys are
 * generated; a version row only needs PEM-shaped text and a sealed blob.
 */
final class StoreFixture implements AutoCloseable {

    /** A timestamp with microseconds, which is what {@code Instant.now()} gives on the engine's JVMs. */
    static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456Z");

    private static final AtomicInteger TABLE_SETS = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static HttpClient httpClient;

    private final Azurite azurite = Azurite.shared();
    private final LocalKeyFileKek kek;
    private final EnvelopeSealer sealer;

    /** @param kekFile where the test's local key-encryption key is made; a file that does not exist yet */
    StoreFixture(Path kekFile) {
        kek = LocalKeyFileKek.openOrCreate(kekFile);
        sealer = new EnvelopeSealer(kek);
    }

    /** A storage account view with tables no other test uses, created. */
    TableStorage freshTables(String label) {
        return tables(prefix(label));
    }

    /** The engine's tables under {@code prefix}, created if missing. */
    TableStorage tables(String prefix) {
        return TableStorage.fromConnectionString(azurite.connectionString(), httpClient(), prefix).ensureTables();
    }

    /** A prefix unique in this JVM (a letter, then letters and digits). */
    static String prefix(String label) {
        return label + TABLE_SETS.incrementAndGet() + "t";
    }

    /** Direct access to a table, for simulating states the adapters only pass through (a crash). */
    TableClient rawTable(String tableName) {
        return new TableClientBuilder().connectionString(azurite.connectionString()).httpClient(httpClient())
                .tableName(tableName).buildClient();
    }

    /** A table client with the transaction ETag capture, as {@link TableStorage} builds them. */
    TableClient capturingTable(String tableName) {
        return new TableClientBuilder().connectionString(azurite.connectionString()).httpClient(httpClient())
                .addPolicy(new TransactionEtagCapture()).tableName(tableName).buildClient();
    }

    private static synchronized HttpClient httpClient() {
        if (httpClient == null) {
            httpClient = AzureHttpClients.create(Optional.empty());
        }
        return httpClient;
    }

    /** A real sealed blob (random content) bound to the key version, as the engine stores it. */
    SealedBlob sealedPrivateKey(String keyName, int number) {
        return seal(AssociatedData.keyVersion(keyName, number));
    }

    SealedBlob sealedCredentials(String providerName) {
        return seal(AssociatedData.providerCredentials(providerName));
    }

    private SealedBlob seal(AssociatedData owner) {
        try (SecretBytes secret = SecretBytes.random(48, RANDOM)) {
            return sealer.seal(secret, owner);
        }
    }

    /** PEM-shaped text unique to the version, so a mixed-up row shows. */
    static String publicKeyPem(String keyName, int number) {
        byte[] body = new byte[96];
        RANDOM.nextBytes(body);
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(body)
                + "\n-----END PUBLIC KEY-----\n# " + keyName + " v" + number + "\n";
    }

    KeyVersion version(String keyName, int number) {
        return new KeyVersion(keyName, number, T0.plusSeconds(number), publicKeyPem(keyName, number),
                sealedPrivateKey(keyName, number));
    }

    static ManagedKey key(String name) {
        return ManagedKey.created(name, KeyType.RSA_3072, T0);
    }

    KmsProvider provider(String name) {
        return new KmsProvider(name, KmsProviderType.AZURE_KEY_VAULT, "vault-" + name.replaceAll("[^A-Za-z0-9]", "-"),
                Optional.of(sealedCredentials(name)), Optional.empty(), T0, T0.plusNanos(1_000));
    }

    static Distribution distribution(String keyName, String providerName) {
        return Distribution.started(keyName, providerName, "azure-" + keyName.replaceAll("[^A-Za-z0-9]", "-"),
                Set.of(KeyPurpose.ENCRYPT), Protection.HSM, T0);
    }

    /** Versions compare by value; a sealed blob by its stored bytes. */
    static void assertSameVersion(KeyVersion expected, KeyVersion actual) {
        assertEquals(expected.keyName(), actual.keyName(), "key name");
        assertEquals(expected.number(), actual.number(), "version number");
        assertEquals(expected.createdAt(), actual.createdAt(), "created at");
        assertEquals(expected.publicKeyPem(), actual.publicKeyPem(), "public key PEM");
        assertArrayEquals(expected.sealedPrivateKey().toBytes(), actual.sealedPrivateKey().toBytes(),
                "sealed private key");
    }

    static void assertSameProvider(KmsProvider expected, KmsProvider actual) {
        assertEquals(expected.name(), actual.name(), "name");
        assertEquals(expected.type(), actual.type(), "type");
        assertEquals(expected.keyCollection(), actual.keyCollection(), "key collection");
        assertEquals(expected.sealedCredentials().isPresent(), actual.sealedCredentials().isPresent(),
                "credentials present");
        expected.sealedCredentials().ifPresent(c -> assertArrayEquals(c.toBytes(),
                actual.sealedCredentials().orElseThrow().toBytes(), "sealed credentials"));
        assertEquals(expected.keyExchangeKeyId(), actual.keyExchangeKeyId(), "key exchange key id");
        assertEquals(expected.createdAt(), actual.createdAt(), "created at");
        assertEquals(expected.updatedAt(), actual.updatedAt(), "updated at");
    }

    @Override
    public void close() {
        kek.close();
    }
}
