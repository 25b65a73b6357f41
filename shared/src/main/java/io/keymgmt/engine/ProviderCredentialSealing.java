package io.keymgmt.engine;

import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.seal.AssociatedData;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.seal.Sealer;
import io.keymgmt.secrets.SecretBytes;
import java.util.Optional;

/** Seals a provider's credentials at rest, bound to the provider's name; unseals them for one use. */
final class ProviderCredentialSealing {

    private final Sealer sealer;

    ProviderCredentialSealing(Sealer sealer) {
        this.sealer = sealer;
    }

    Optional<SealedBlob> seal(String providerName, ProviderCredentials credentials) {
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        try (SecretBytes plain = credentials.encode()) {
            return Optional.of(sealer.seal(plain, AssociatedData.providerCredentials(providerName)));
        }
    }

    /** The provider's credentials; the caller closes them. */
    ProviderCredentials unseal(String providerName, Optional<SealedBlob> sealed) {
        if (sealed.isEmpty()) {
            return ProviderCredentials.none();
        }
        try (SecretBytes plain = sealer.unseal(sealed.get(), AssociatedData.providerCredentials(providerName))) {
            return ProviderCredentials.decode(plain);
        }
    }
}
