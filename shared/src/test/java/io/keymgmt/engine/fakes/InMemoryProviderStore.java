package io.keymgmt.engine.fakes;

import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.ProviderStore;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link ProviderStore} in memory, with the contract of the Table Storage adapter: new ETags on every
 * write, conditional writes that fail with {@link ConcurrentUpdateException} on a stale or missing
 * provider, a membership recorded on its own (touching no shared record), a deletion that marks the
 * provider before it looks for members (through {@link #memberKeys}, so a test can interleave there),
 * memberships kept whether or not the provider exists, and idempotent deletes. Faults and interleavings go through {@link #calls()}.
 */
public final class InMemoryProviderStore implements ProviderStore {

    /** The port's methods, for counting and fault injection. */
    public enum Call {
        FIND, LIST_NAMES, CREATE, REPLACE, DELETE, MEMBER_KEYS, ADD_MEMBER, REMOVE_MEMBER, ACCEPTS_MEMBERS
    }

    private final Map<String, Stored<KmsProvider>> providers = new TreeMap<>();
    private final Map<String, TreeSet<String>> members = new TreeMap<>();
    private final java.util.Set<String> marked = new TreeSet<>();
    private final PortCalls<Call> calls = new PortCalls<>(Call.class);

    public PortCalls<Call> calls() {
        return calls;
    }

    /** The stored membership, unobserved. */
    public synchronized List<String> members(String providerName) {
        return List.copyOf(members.getOrDefault(providerName, new TreeSet<>()));
    }

    /** The stored provider, unobserved. */
    public synchronized Optional<Stored<KmsProvider>> stored(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    @Override
    public synchronized Optional<Stored<KmsProvider>> find(String name) {
        calls.enter(Call.FIND);
        return Optional.ofNullable(providers.get(name));
    }

    @Override
    public synchronized List<String> listNames() {
        calls.enter(Call.LIST_NAMES);
        return new ArrayList<>(providers.keySet());
    }

    @Override
    public synchronized Stored<KmsProvider> create(KmsProvider provider) {
        calls.enter(Call.CREATE);
        if (providers.containsKey(provider.name())) {
            throw new AlreadyExistsException("creating provider " + provider.name() + ": it already exists", null);
        }
        Stored<KmsProvider> stored = new Stored<>(provider, Etags.next());
        providers.put(provider.name(), stored);
        return stored;
    }

    @Override
    public synchronized Stored<KmsProvider> replace(KmsProvider provider, String etag) {
        calls.enter(Call.REPLACE);
        requireCurrent(provider.name(), etag, "updating provider " + provider.name());
        Stored<KmsProvider> stored = new Stored<>(provider, Etags.next());
        providers.put(provider.name(), stored);
        // A replace writes the whole record, as the Table adapter's does: a deletion's mark goes with it.
        marked.remove(provider.name());
        return stored;
    }

    /** Whether a deletion has marked the provider, unobserved. */
    public synchronized boolean isMarked(String name) {
        return marked.contains(name);
    }

    @Override
    public synchronized void delete(String name, String etag) {
        calls.enter(Call.DELETE);
        // The order of the Table adapter: the mark (on the provider's condition), the look for members,
        // then the deletion on the mark's condition.
        Stored<KmsProvider> current = providers.get(name);
        if (current == null) {
            return;
        }
        if (!current.etag().equals(etag)) {
            throw new ConcurrentUpdateException("marking provider " + name + " for deletion: it changed since it was"
                    + " read; read it again", null);
        }
        String markEtag = Etags.next();
        providers.put(name, new Stored<>(current.value(), markEtag));
        marked.add(name);
        if (!memberKeys(name).isEmpty()) {
            Stored<KmsProvider> now = providers.get(name);
            if (now != null && now.etag().equals(markEtag)) {
                providers.put(name, new Stored<>(now.value(), Etags.next()));
                marked.remove(name);
            }
            throw new StillReferencedException("KMS provider \"" + name + "\" still holds keys");
        }
        Stored<KmsProvider> now = providers.get(name);
        if (now == null) {
            return;
        }
        if (!now.etag().equals(markEtag)) {
            throw new ConcurrentUpdateException("deleting provider " + name + ": it changed since it was marked", null);
        }
        providers.remove(name);
        marked.remove(name);
    }

    @Override
    public synchronized boolean acceptsMembers(String name) {
        calls.enter(Call.ACCEPTS_MEMBERS);
        return providers.containsKey(name) && !marked.contains(name);
    }

    @Override
    public synchronized List<String> memberKeys(String providerName) {
        calls.enter(Call.MEMBER_KEYS);
        return List.copyOf(members.getOrDefault(providerName, new TreeSet<>()));
    }

    @Override
    public synchronized void addMember(String providerName, String keyName) {
        calls.enter(Call.ADD_MEMBER);
        members.computeIfAbsent(providerName, n -> new TreeSet<>()).add(keyName);
    }

    @Override
    public synchronized void removeMember(String providerName, String keyName) {
        calls.enter(Call.REMOVE_MEMBER);
        TreeSet<String> keys = members.get(providerName);
        if (keys != null) {
            keys.remove(keyName);
            if (keys.isEmpty()) {
                members.remove(providerName);
            }
        }
    }

    private void requireCurrent(String name, String etag, String what) {
        Stored<KmsProvider> current = providers.get(name);
        if (current == null) {
            throw new ConcurrentUpdateException(what + ": it no longer exists; read it again", null);
        }
        if (!current.etag().equals(etag)) {
            throw new ConcurrentUpdateException(what + ": it changed since it was read; read it again", null);
        }
    }
}
