package io.keymgmt.engine;

import io.keymgmt.store.ProviderStore;

/**
 * Joins a key to a provider without writing anything the provider's other keys write: the membership
 * is its own record, and a deletion of the provider is caught by checking for its mark after the
 * membership is recorded (a deletion marks first and looks for members after), so the two cannot both
 * go ahead. Distributions of different keys to one provider never contend.
 */
final class Memberships {

    private Memberships() {
    }

    /** @throws KeyManagementException NOT_FOUND if the provider is gone, CONFLICT if it is being deleted */
    static void join(ProviderStore providers, String providerName, String keyName) {
        providers.addMember(providerName, keyName);
        if (!providers.acceptsMembers(providerName)) {
            providers.removeMember(providerName, keyName);
            if (providers.find(providerName).isEmpty()) {
                throw KeyManagementException.notFound("KMS provider \"" + providerName + "\" not found");
            }
            throw KeyManagementException.conflict("KMS provider \"" + providerName + "\" is being deleted; distribute "
                    + "the key once the deletion has ended (it stops if the provider still holds keys)");
        }
    }
}
