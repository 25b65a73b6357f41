package io.keymgmt.engine.fakes;

import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.keyvault.TargetVault;
import io.keymgmt.keyvault.VaultConnector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link VaultConnector} over {@link InMemoryVault}s, one per {@code key_collection}, made on first
 * use. It records every check and open with the credentials it was handed (so a test sees what was
 * unsealed), and refuses vault names configured as unaddressable with the IllegalArgumentException
 * the port documents.
 */
public final class InMemoryVaults implements VaultConnector {

    /** The port's methods, for counting and fault injection. */
    public enum Call {
        CHECK, OPEN
    }

    /** What a check or open was given; the secret in the clear, since test secrets are not secret. */
    public record Connection(String keyCollection, Optional<String> tenantId, Optional<String> clientId,
            Optional<String> clientSecret, Optional<String> environment) {
    }

    private final Map<String, InMemoryVault> vaults = new TreeMap<>();
    private final Map<String, String> unaddressable = new HashMap<>();
    private final List<Connection> checks = new ArrayList<>();
    private final List<Connection> opens = new ArrayList<>();
    private final PortCalls<Call> calls = new PortCalls<>(Call.class);

    public PortCalls<Call> calls() {
        return calls;
    }

    /** {@code check} and {@code open} of this vault name fail as the real connector does for a name its cloud cannot address. */
    public synchronized InMemoryVaults unaddressable(String keyCollection, String why) {
        unaddressable.put(keyCollection, why);
        return this;
    }

    /** Runs {@code action} with no call to the connector or to any vault counted or intercepted. */
    public void unobserved(Runnable action) {
        List<InMemoryVault> all;
        synchronized (this) {
            all = new ArrayList<>(vaults.values());
        }
        Runnable nested = action;
        for (InMemoryVault vault : all) {
            Runnable inner = nested;
            nested = () -> vault.calls().unobserved(inner);
        }
        calls.unobserved(nested);
    }

    /** Forgets the counts of the connector and of every vault; scheduled faults stay. */
    public synchronized void resetCounts() {
        calls.resetCounts();
        vaults.values().forEach(v -> v.calls().resetCounts());
    }

    /** The vault of that name, made if it is not there yet. */
    public synchronized InMemoryVault vault(String keyCollection) {
        return vaults.computeIfAbsent(keyCollection, InMemoryVault::new);
    }

    public synchronized List<Connection> checks() {
        return List.copyOf(checks);
    }

    public synchronized List<Connection> opens() {
        return List.copyOf(opens);
    }

    @Override
    public synchronized void check(String keyCollection, ProviderCredentials credentials) {
        calls.enter(Call.CHECK);
        checks.add(seen(keyCollection, credentials));
        requireAddressable(keyCollection);
    }

    @Override
    public synchronized TargetVault open(String keyCollection, ProviderCredentials credentials) {
        calls.enter(Call.OPEN);
        opens.add(seen(keyCollection, credentials));
        requireAddressable(keyCollection);
        return vault(keyCollection);
    }

    private void requireAddressable(String keyCollection) {
        String why = unaddressable.get(keyCollection);
        if (why != null) {
            throw new IllegalArgumentException("key_collection: " + why);
        }
    }

    private static Connection seen(String keyCollection, ProviderCredentials credentials) {
        return new Connection(keyCollection, credentials.tenantId(), credentials.clientId(),
                credentials.clientSecret().map(s -> s.read(b -> new String(b, StandardCharsets.UTF_8))),
                credentials.environment());
    }
}
