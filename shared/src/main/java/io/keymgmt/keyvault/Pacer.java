package io.keymgmt.keyvault;

import java.net.URI;

/**
 * Paces the calls Key Vault throttles hardest. Azure allows about ten HSM key creations per vault per
 * ten seconds (reference §3.5), and whether imports count as creations is not documented, so both are
 * paced as if they did. Waiting here is cheaper than a 429 followed by exponential back-off.
 */
public interface Pacer {

    /** Blocks until a create or import call to {@code vault} fits within the budget. */
    void beforeCreateOrImport(URI vault);

    /** A pacer that never waits, for the emulator and tests. */
    Pacer NONE = vault -> {
    };
}
