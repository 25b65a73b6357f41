package io.keymgmt.engine;

import io.keymgmt.keys.KeyVersion;
import io.keymgmt.seal.AssociatedData;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.seal.Sealer;
import io.keymgmt.secrets.SecretBytes;

/** Seals and unseals a version's private key, bound to the key's name and the version's number. */
final class KeyMaterial {

    private final Sealer sealer;

    KeyMaterial(Sealer sealer) {
        this.sealer = sealer;
    }

    SealedBlob seal(String keyName, int version, SecretBytes pkcs8) {
        return sealer.seal(pkcs8, owner(keyName, version));
    }

    /** The version's PKCS#8 private key; the caller closes it. */
    SecretBytes unseal(KeyVersion version) {
        return sealer.unseal(version.sealedPrivateKey(), owner(version.keyName(), version.number()));
    }

    private static AssociatedData owner(String keyName, int version) {
        return AssociatedData.keyVersion(keyName, version);
    }
}
