package io.keymgmt.engine.fakes;

import io.keymgmt.seal.AssociatedData;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.seal.Sealer;
import io.keymgmt.seal.SealingException;
import io.keymgmt.secrets.SecretBytes;

/**
 * A real {@link Sealer} (in the tests, an EnvelopeSealer over a local key file) whose calls are
 * counted and can be made to fail with {@link SealingException}, as an unreachable or refusing
 * key-encryption key would.
 */
public final class FlakySealer implements Sealer {

    /** The port's methods, for counting and fault injection. */
    public enum Call {
        SEAL, UNSEAL
    }

    private final Sealer real;
    private final PortCalls<Call> calls = new PortCalls<>(Call.class);

    public FlakySealer(Sealer real) {
        this.real = real;
    }

    public PortCalls<Call> calls() {
        return calls;
    }

    /** What a Key Vault key-encryption key says when it cannot be used. */
    public static SealingException kekUnavailable() {
        return new SealingException("key-encryption key https://seal.vault.azure.net/keys/kek/1 failed to unwrap a data"
                + " key (KeyVaultException: Forbidden)");
    }

    @Override
    public SealedBlob seal(SecretBytes plaintext, AssociatedData ad) {
        calls.enter(Call.SEAL);
        return real.seal(plaintext, ad);
    }

    @Override
    public SecretBytes unseal(SealedBlob blob, AssociatedData ad) {
        calls.enter(Call.UNSEAL);
        return real.unseal(blob, ad);
    }
}
