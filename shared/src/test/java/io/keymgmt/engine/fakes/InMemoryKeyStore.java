package io.keymgmt.engine.fakes;

import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.StoreException;
import io.keymgmt.store.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link KeyStore} in memory, with the contract of the Table Storage adapter: every write gives the
 * record a new ETag, every conditional write fails with {@link ConcurrentUpdateException} on a stale
 * or missing record, a version is written with the header that counts it and a distribution with a
 * rewrite of the header (one atomic step each), and a deletion marks the header (hiding the key)
 * before it removes the versions, so an interrupted one is finished by the next create or delete of
 * the name. Faults and interleavings are scheduled through {@link #calls()}.
 */
public final class InMemoryKeyStore implements KeyStore {

    /** The port's methods, for counting and fault injection. */
    public enum Call {
        FIND, LIST_NAMES, CREATE, UPDATE, ADD_VERSION, VERSIONS, VERSION, DELETE, DISTRIBUTIONS, DISTRIBUTION,
        ADD_DISTRIBUTION, UPDATE_DISTRIBUTION, DELETE_DISTRIBUTION, FINISH_INTERRUPTED_DELETION, DUE_FOR_ROTATION,
        ALL_KEYS, ALL_DISTRIBUTIONS
    }

    /** One key's partition: header, versions, distributions. */
    private static final class Partition {
        Stored<ManagedKey> header;
        boolean deleting;
        final TreeMap<Integer, KeyVersion> versions = new TreeMap<>();
        final TreeMap<String, Stored<Distribution>> distributions = new TreeMap<>();

        boolean isEmpty() {
            return header == null && versions.isEmpty() && distributions.isEmpty();
        }
    }

    private final Map<String, Partition> partitions = new TreeMap<>();
    private final PortCalls<Call> calls = new PortCalls<>(Call.class);
    private int interruptDeletions;

    public PortCalls<Call> calls() {
        return calls;
    }

    /**
     * The next deletion marks the header (which hides the key) and then fails with a
     * {@link StoreException}, as an outage between its transactions would leave it.
     */
    public synchronized void interruptNextDeletion() {
        interruptDeletions++;
    }

    /** Whether anything of the key is stored: a header (even one marked as deleting), a version, a distribution. */
    public synchronized boolean holdsAnythingOf(String keyName) {
        Partition p = partitions.get(keyName);
        return p != null && !p.isEmpty();
    }

    /** Version rows stored for the key, including those of a key hidden by an unfinished deletion. */
    public synchronized int versionRows(String keyName) {
        Partition p = partitions.get(keyName);
        return p == null ? 0 : p.versions.size();
    }

    /** Whether an unfinished deletion has marked (hidden) the key. */
    public synchronized boolean isMarkedDeleting(String keyName) {
        Partition p = partitions.get(keyName);
        return p != null && p.header != null && p.deleting;
    }

    @Override
    public synchronized Optional<Stored<ManagedKey>> find(String name) {
        calls.enter(Call.FIND);
        return Optional.ofNullable(live(name)).map(p -> p.header);
    }

    @Override
    public synchronized List<String> listNames() {
        calls.enter(Call.LIST_NAMES);
        List<String> names = new ArrayList<>();
        partitions.forEach((name, p) -> {
            if (p.header != null && !p.deleting) {
                names.add(name);
            }
        });
        return names;
    }

    @Override
    public synchronized List<Stored<ManagedKey>> dueForRotation(java.time.Instant now, int limit) {
        calls.enter(Call.DUE_FOR_ROTATION);
        List<Stored<ManagedKey>> due = new ArrayList<>();
        partitions.forEach((name, p) -> {
            if (p.header != null && !p.deleting && due.size() < limit
                    && p.header.value().nextRotationAt().map(next -> !next.isAfter(now)).orElse(false)) {
                due.add(p.header);
            }
        });
        return due;
    }

    @Override
    public synchronized List<Stored<ManagedKey>> allKeys() {
        calls.enter(Call.ALL_KEYS);
        List<Stored<ManagedKey>> keys = new ArrayList<>();
        partitions.forEach((name, p) -> {
            if (p.header != null && !p.deleting) {
                keys.add(p.header);
            }
        });
        return keys;
    }

    @Override
    public synchronized List<Stored<Distribution>> allDistributions() {
        calls.enter(Call.ALL_DISTRIBUTIONS);
        List<Stored<Distribution>> all = new ArrayList<>();
        partitions.values().forEach(p -> all.addAll(p.distributions.values()));
        return all;
    }

    @Override
    public synchronized Stored<ManagedKey> create(ManagedKey key, KeyVersion first) {
        calls.enter(Call.CREATE);
        if (key.latestVersion() != 1 || first.number() != 1) {
            throw new IllegalArgumentException("a key is created with version 1 only; got a header counting "
                    + key.latestVersion() + " versions and version " + first.number());
        }
        requireSameKey(key, first.keyName(), "version 1");
        Partition p = partitions.computeIfAbsent(key.name(), n -> new Partition());
        if (p.header != null && p.deleting) {
            finishDeletion(key.name(), p);
            p = partitions.computeIfAbsent(key.name(), n -> new Partition());
        }
        if (p.header != null) {
            throw new AlreadyExistsException("creating key " + key.name() + ": it already exists", null);
        }
        p.header = new Stored<>(key, Etags.next());
        p.deleting = false;
        p.versions.put(1, first);
        return p.header;
    }

    @Override
    public synchronized Stored<ManagedKey> update(ManagedKey key, String etag) {
        calls.enter(Call.UPDATE);
        Partition p = requireHeader(key.name(), etag, "updating key " + key.name());
        p.header = new Stored<>(key, Etags.next());
        return p.header;
    }

    @Override
    public synchronized Stored<ManagedKey> addVersion(ManagedKey rotated, String etag, KeyVersion version) {
        calls.enter(Call.ADD_VERSION);
        if (version.number() != rotated.latestVersion()) {
            throw new IllegalArgumentException("version " + version.number() + " is not the key's latest ("
                    + rotated.latestVersion() + "); rotate the header so that it counts the new version");
        }
        requireSameKey(rotated, version.keyName(), "version " + version.number());
        String what = "adding version " + version.number() + " to key " + rotated.name();
        Partition p = requireHeader(rotated.name(), etag, what);
        if (p.versions.containsKey(version.number())) {
            throw new AlreadyExistsException(what + ": it already exists", null);
        }
        p.versions.put(version.number(), version);
        p.header = new Stored<>(rotated, Etags.next());
        return p.header;
    }

    @Override
    public synchronized List<KeyVersion> versions(String keyName) {
        calls.enter(Call.VERSIONS);
        Partition p = partitions.get(keyName);
        return p == null ? List.of() : List.copyOf(p.versions.values());
    }

    @Override
    public synchronized Optional<KeyVersion> version(String keyName, int number) {
        calls.enter(Call.VERSION);
        Partition p = partitions.get(keyName);
        return p == null ? Optional.empty() : Optional.ofNullable(p.versions.get(number));
    }

    @Override
    public synchronized void delete(String name, String etag) {
        calls.enter(Call.DELETE);
        Partition p = partitions.get(name);
        if (p == null || p.header == null) {
            return;
        }
        if (!p.deleting) {
            // The order of the Table adapter: references first, then the header's condition.
            if (!p.distributions.isEmpty()) {
                throw new StillReferencedException("key \"" + name + "\" is still distributed to "
                        + String.join(", ", p.distributions.keySet()) + "; remove those distributions first");
            }
            if (!p.header.etag().equals(etag)) {
                throw new ConcurrentUpdateException("deleting key " + name + ": it changed since it was read; read it"
                        + " again", null);
            }
            p.deleting = true;
            p.header = new Stored<>(p.header.value(), Etags.next());
            if (interruptDeletions > 0) {
                interruptDeletions--;
                throw new StoreException("deleting versions of key " + name + ": Table Storage could not be reached"
                        + " (simulated interruption after the header was marked)", null);
            }
        }
        finishDeletion(name, p);
    }

    @Override
    public synchronized void finishInterruptedDeletion(String name) {
        calls.enter(Call.FINISH_INTERRUPTED_DELETION);
        Partition p = partitions.get(name);
        if (p != null && p.header != null && p.deleting) {
            finishDeletion(name, p);
        }
    }

    @Override
    public synchronized List<Stored<Distribution>> distributions(String keyName) {
        calls.enter(Call.DISTRIBUTIONS);
        Partition p = partitions.get(keyName);
        return p == null ? List.of() : List.copyOf(p.distributions.values());
    }

    @Override
    public synchronized Optional<Stored<Distribution>> distribution(String keyName, String providerName) {
        calls.enter(Call.DISTRIBUTION);
        Partition p = partitions.get(keyName);
        return p == null ? Optional.empty() : Optional.ofNullable(p.distributions.get(providerName));
    }

    @Override
    public synchronized Stored<Distribution> addDistribution(ManagedKey key, String keyEtag, Distribution distribution) {
        calls.enter(Call.ADD_DISTRIBUTION);
        requireSameKey(key, distribution.keyName(), "the distribution to " + distribution.providerName());
        String what = "recording distribution of key " + key.name() + " to " + distribution.providerName();
        // One transaction: the header's condition is checked first, then the new row's absence.
        Partition p = requireHeader(key.name(), keyEtag, what);
        if (p.distributions.containsKey(distribution.providerName())) {
            throw new AlreadyExistsException(what + ": it already exists", null);
        }
        p.header = new Stored<>(key, Etags.next());
        Stored<Distribution> stored = new Stored<>(distribution, Etags.next());
        p.distributions.put(distribution.providerName(), stored);
        return stored;
    }

    @Override
    public synchronized Stored<Distribution> updateDistribution(Distribution distribution, String etag) {
        calls.enter(Call.UPDATE_DISTRIBUTION);
        String what = "updating distribution of key " + distribution.keyName() + " to " + distribution.providerName();
        Partition p = partitions.get(distribution.keyName());
        Stored<Distribution> current = p == null ? null : p.distributions.get(distribution.providerName());
        if (current == null) {
            throw new ConcurrentUpdateException(what + ": it no longer exists; read it again", null);
        }
        if (!current.etag().equals(etag)) {
            throw new ConcurrentUpdateException(what + ": it changed since it was read; read it again", null);
        }
        Stored<Distribution> stored = new Stored<>(distribution, Etags.next());
        p.distributions.put(distribution.providerName(), stored);
        return stored;
    }

    @Override
    public synchronized void deleteDistribution(String keyName, String providerName, String etag) {
        calls.enter(Call.DELETE_DISTRIBUTION);
        Partition p = partitions.get(keyName);
        Stored<Distribution> current = p == null ? null : p.distributions.get(providerName);
        if (current == null) {
            return;
        }
        if (!current.etag().equals(etag)) {
            throw new ConcurrentUpdateException("deleting distribution of key " + keyName + " to " + providerName
                    + ": it changed since it was read; read it again", null);
        }
        p.distributions.remove(providerName);
        dropIfEmpty(keyName, p);
    }

    private Partition live(String name) {
        Partition p = partitions.get(name);
        return p != null && p.header != null && !p.deleting ? p : null;
    }

    private Partition requireHeader(String name, String etag, String what) {
        Partition p = live(name);
        if (p == null) {
            throw new ConcurrentUpdateException(what + ": it no longer exists; read it again", null);
        }
        if (!p.header.etag().equals(etag)) {
            throw new ConcurrentUpdateException(what + ": it changed since it was read; read it again", null);
        }
        return p;
    }

    private void finishDeletion(String name, Partition p) {
        p.versions.clear();
        p.header = null;
        p.deleting = false;
        dropIfEmpty(name, p);
    }

    private void dropIfEmpty(String name, Partition p) {
        if (p.isEmpty()) {
            partitions.remove(name);
        }
    }

    private static void requireSameKey(ManagedKey key, String keyName, String what) {
        if (!key.name().equals(keyName)) {
            throw new IllegalArgumentException(what + " belongs to key \"" + keyName + "\", not to key \""
                    + key.name() + "\"");
        }
    }
}
