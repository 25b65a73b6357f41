package io.keymgmt.engine.fakes;

import io.keymgmt.byok.IndependentUnwrap;
import io.keymgmt.byok.KeyExchangeKey;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.Protection;
import io.keymgmt.keys.RsaPrivateKeys;
import io.keymgmt.keys.TestRsaKeys;
import io.keymgmt.keyvault.ImportedKeyVersion;
import io.keymgmt.keyvault.KeyVaultException;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.keyvault.TargetVault;
import io.keymgmt.secrets.SecretBytes;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One target Key Vault in memory, recording what the engine did to it: key exchange keys created,
 * versions imported (with the public modulus of what was really imported: a BYOK blob is unwrapped
 * with the KEK's private key by BouncyCastle, as the HSM would), enabled flags, soft deletions.
 * Like Azure, it refuses to import under a name held by a soft-deleted key (CONFLICT) and reports a
 * missing version or KEK as NOT_FOUND; a deletion of a missing key succeeds, as the port promises.
 *
 * <p>Refusals are scheduled per operation with {@link #refuseNext} or {@link #refuseUntilAllowed};
 * a refused call changes nothing. The KEK's RSA key comes from {@link TestRsaKeys} (generated once per
 * JVM for each size), so two KEK versions share key material but not their ids.
 */
public final class InMemoryVault implements TargetVault {

    /** The vault's operations, named by the key permission each needs. */
    public enum Op {
        CREATE_KEK("create"), GET_KEK("get"), IMPORT("import"), UPDATE("update"), DELETE("delete"),
        FIND_IMPORTED("list");

        private final String permission;

        Op(String permission) {
            this.permission = permission;
        }

        public String permission() {
            return permission;
        }
    }

    /** A key version as the vault holds it. */
    public record Version(String name, String versionId, String kid, Protection protection, BigInteger modulus,
            BigInteger publicExponent, boolean enabled, List<String> keyOperations, Map<String, String> tags,
            Optional<String> wrappedForKek) {

        Version withEnabled(boolean value) {
            return new Version(name, versionId, kid, protection, modulus, publicExponent, value, keyOperations, tags,
                    wrappedForKek);
        }
    }

    private record Kek(String kid, KeyPair pair, int bits) {
    }

    private static final class AzureKey {
        final List<Version> versions = new ArrayList<>();
        boolean softDeleted;
    }

    private static final AtomicLong VERSION_IDS = new AtomicLong(0xabc000);

    private final String url;
    private final PortCalls<Op> calls = new PortCalls<>(Op.class);
    private final Map<String, Kek> keks = new LinkedHashMap<>();
    private final List<String> keksCreated = new ArrayList<>();
    private final Map<String, AzureKey> keys = new TreeMap<>();
    private final List<String> deletions = new ArrayList<>();
    private int wrongModulusImports;

    InMemoryVault(String keyCollection) {
        this.url = "https://" + keyCollection + ".vault.azure.net";
    }

    public String url() {
        return url;
    }

    public PortCalls<Op> calls() {
        return calls;
    }

    /** The next {@code times} calls of {@code op} are refused for {@code reason}; see {@link #refusal}. */
    public InMemoryVault refuseNext(Op op, int times, Reason reason) {
        calls.failNext(op, times, () -> refusal(op, reason));
        return this;
    }

    /** Every call of {@code op} is refused for {@code reason} until {@link #allow}. */
    public InMemoryVault refuseUntilAllowed(Op op, Reason reason) {
        calls.failUntilHealed(op, () -> refusal(op, reason));
        return this;
    }

    public InMemoryVault allow(Op op) {
        calls.heal(op);
        return this;
    }

    /**
     * What Azure says for {@code reason}: FORBIDDEN names the operation's permission as missing,
     * THROTTLED carries a Retry-After of 7 seconds, the others a message in Azure's words.
     */
    public KeyVaultException refusal(Op op, Reason reason) {
        String permission = op.permission();
        return switch (reason) {
            case FORBIDDEN -> new KeyVaultException(reason, url, permission, "The user, group or application does not "
                    + "have keys " + permission + " permission on key vault", permission, null, null);
            case THROTTLED -> new KeyVaultException(reason, url, permission, "Rate limit exceeded", null,
                    Duration.ofSeconds(7), null);
            case CONFLICT -> new KeyVaultException(reason, url, permission, "Key is currently in a deleted but "
                    + "recoverable state, and its name cannot be reused", null, null, null);
            case NOT_FOUND -> new KeyVaultException(reason, url, permission, "A key with the given name or version "
                    + "was not found in this key vault", null, null, null);
            case UNAUTHENTICATED -> new KeyVaultException(reason, url, permission, "AADSTS7000215: Invalid client "
                    + "secret provided", null, null, null);
            case REJECTED -> new KeyVaultException(reason, url, permission, "The request is invalid (BadParameter)",
                    null, null, null);
            case UNAVAILABLE -> new KeyVaultException(reason, url, permission, "Service Unavailable (503)", null, null,
                    null);
        };
    }

    /** The next import succeeds but reports another modulus than the one imported, as a broken vault would. */
    public synchronized void reportWrongModulusOnNextImport() {
        wrongModulusImports++;
    }

    /** Every key exchange key disappears (deleted outside the engine, or disabled). */
    public synchronized void loseKeyExchangeKeys() {
        keks.clear();
    }

    /** Versioned ids of the key exchange keys created, in order, whether still there or not. */
    public synchronized List<String> keyExchangeKeysCreated() {
        return List.copyOf(keksCreated);
    }

    /** The size in bits of the key exchange key with that id, if the vault still holds it. */
    public synchronized Optional<Integer> keyExchangeKeyBits(String kid) {
        return Optional.ofNullable(keks.get(kid)).map(Kek::bits);
    }

    /** Versions imported under {@code name}, oldest first; also those of a soft-deleted key. */
    public synchronized List<Version> versions(String name) {
        AzureKey key = keys.get(name);
        return key == null ? List.of() : List.copyOf(key.versions);
    }

    /** Names holding a key that is not deleted. */
    public synchronized List<String> liveKeyNames() {
        List<String> names = new ArrayList<>();
        keys.forEach((name, key) -> {
            if (!key.softDeleted) {
                names.add(name);
            }
        });
        return names;
    }

    public synchronized boolean isSoftDeleted(String name) {
        AzureKey key = keys.get(name);
        return key != null && key.softDeleted;
    }

    /** Names deleted, once per deletion that found a key. */
    public synchronized List<String> deletions() {
        return List.copyOf(deletions);
    }

    /** Every import, of every name, in order. */
    public synchronized List<Version> allVersions() {
        List<Version> all = new ArrayList<>();
        keys.values().forEach(k -> all.addAll(k.versions));
        all.sort((a, b) -> a.versionId().compareTo(b.versionId()));
        return all;
    }

    @Override
    public synchronized KeyExchangeKey createKeyExchangeKey(String name, int bits) {
        calls.enter(Op.CREATE_KEK);
        KeyType size = KeyType.rsaOfSize(bits).orElseThrow(() -> new KeyVaultException(Reason.REJECTED, url, "create",
                "RSA-HSM keys are 2048, 3072 or 4096 bits, not " + bits, null, null, null));
        KeyPair pair = TestRsaKeys.kek(size);
        String kid = url + "/keys/" + name + "/" + nextVersionId();
        keks.put(kid, new Kek(kid, pair, bits));
        keksCreated.add(kid);
        return KeyExchangeKey.of(kid, pair.getPublic());
    }

    @Override
    public synchronized KeyExchangeKey keyExchangeKey(String kid) {
        calls.enter(Op.GET_KEK);
        Kek kek = keks.get(kid);
        if (kek == null) {
            throw new KeyVaultException(Reason.NOT_FOUND, url, "get", "key exchange key " + kid
                    + " is no longer an enabled, import-only RSA-HSM key", null, null, null);
        }
        return KeyExchangeKey.of(kid, kek.pair().getPublic());
    }

    @Override
    public synchronized ImportedKeyVersion importHsm(String name, KeyTransferBlob blob, List<String> keyOperations,
            boolean enabled, Map<String, String> tags) {
        calls.enter(Op.IMPORT);
        requireNameFree(name);
        Kek kek = keks.get(blob.kid());
        if (kek == null) {
            throw new KeyVaultException(Reason.REJECTED, url, "import", "the blob's key exchange key " + blob.kid()
                    + " is not a key of this vault", null, null, null);
        }
        byte[] pkcs8;
        try {
            pkcs8 = IndependentUnwrap.unwrap((RSAPrivateCrtKey) kek.pair().getPrivate(), blob.ciphertext());
        } catch (Exception e) {
            throw new KeyVaultException(Reason.REJECTED, url, "import", "the transfer blob does not unwrap with the "
                    + "key exchange key: " + e, null, null, null);
        }
        return imported(name, SecretBytes.adopt(pkcs8), Protection.HSM, keyOperations, enabled, tags,
                Optional.of(blob.kid()));
    }

    @Override
    public synchronized ImportedKeyVersion importSoftware(String name, SecretBytes pkcs8, List<String> keyOperations,
            boolean enabled, Map<String, String> tags) {
        calls.enter(Op.IMPORT);
        requireNameFree(name);
        return imported(name, SecretBytes.copyOf(pkcs8.copyBytes()), Protection.SOFTWARE, keyOperations, enabled,
                tags, Optional.empty());
    }

    @Override
    public synchronized Optional<ImportedKeyVersion> findImported(String name, Map<String, String> tags) {
        calls.enter(Op.FIND_IMPORTED);
        AzureKey key = keys.get(name);
        if (key == null || key.softDeleted) {
            return Optional.empty();
        }
        for (Version v : key.versions) {
            if (v.tags().entrySet().containsAll(tags.entrySet())) {
                return Optional.of(new ImportedKeyVersion(v.kid(), v.versionId(), v.modulus(), v.publicExponent(),
                        v.enabled(), v.keyOperations()));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void setEnabled(String name, String versionId, boolean enabled) {
        calls.enter(Op.UPDATE);
        AzureKey key = keys.get(name);
        if (key != null && !key.softDeleted) {
            for (int i = 0; i < key.versions.size(); i++) {
                if (key.versions.get(i).versionId().equals(versionId)) {
                    key.versions.set(i, key.versions.get(i).withEnabled(enabled));
                    return;
                }
            }
        }
        throw new KeyVaultException(Reason.NOT_FOUND, url, "update", "A key with (name/id) " + name + "/" + versionId
                + " was not found in this key vault", null, null, null);
    }

    @Override
    public synchronized void delete(String name) {
        calls.enter(Op.DELETE);
        AzureKey key = keys.get(name);
        if (key != null && !key.softDeleted) {
            key.softDeleted = true;
            deletions.add(name);
        }
    }

    private void requireNameFree(String name) {
        AzureKey key = keys.get(name);
        if (key != null && key.softDeleted) {
            throw new KeyVaultException(Reason.CONFLICT, url, "import", "Key " + name + " is currently in a deleted but"
                    + " recoverable state, and its name cannot be reused; in this state, the key can only be"
                    + " recovered or purged", null, null, null);
        }
    }

    private ImportedKeyVersion imported(String name, SecretBytes pkcs8, Protection protection,
            List<String> keyOperations, boolean enabled, Map<String, String> tags, Optional<String> kek) {
        RSAPrivateCrtKey privateKey;
        try (pkcs8) {
            privateKey = RsaPrivateKeys.parsePkcs8(pkcs8);
        } catch (IllegalArgumentException e) {
            throw new KeyVaultException(Reason.REJECTED, url, "import", "the key is not an RSA private key: "
                    + e.getMessage(), null, null, null);
        }
        String versionId = nextVersionId();
        String kid = url + "/keys/" + name + "/" + versionId;
        Version version = new Version(name, versionId, kid, protection, privateKey.getModulus(),
                privateKey.getPublicExponent(), enabled, List.copyOf(keyOperations), Map.copyOf(tags), kek);
        keys.computeIfAbsent(name, n -> new AzureKey()).versions.add(version);
        BigInteger reported = version.modulus();
        if (wrongModulusImports > 0) {
            wrongModulusImports--;
            reported = reported.add(BigInteger.TWO);
        }
        return new ImportedKeyVersion(kid, versionId, reported, version.publicExponent(), enabled, version.keyOperations());
    }

    private static String nextVersionId() {
        return String.format("%032x", VERSION_IDS.incrementAndGet());
    }
}
