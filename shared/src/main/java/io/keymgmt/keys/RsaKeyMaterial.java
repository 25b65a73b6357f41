package io.keymgmt.keys;

import io.keymgmt.secrets.SecretBytes;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * One RSA key version: its private key as PKCS#8 DER (secret, wiped by {@link #close}) and its public
 * key. The private key exists only as these bytes, so it is stored, sealed and imported from here.
 */
public final class RsaKeyMaterial implements AutoCloseable {

    private final KeyType type;
    private final SecretBytes privateKeyPkcs8;
    private final RSAPublicKey publicKey;

    RsaKeyMaterial(KeyType type, SecretBytes privateKeyPkcs8, RSAPublicKey publicKey) {
        this.type = Objects.requireNonNull(type, "type");
        this.privateKeyPkcs8 = Objects.requireNonNull(privateKeyPkcs8, "privateKeyPkcs8");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    public KeyType type() {
        return type;
    }

    /** The PKCS#8 DER private key; owned by this object, so do not close it separately. */
    public SecretBytes privateKeyPkcs8() {
        return privateKeyPkcs8;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** Wipes the private key bytes. */
    @Override
    public void close() {
        privateKeyPkcs8.close();
    }
}
