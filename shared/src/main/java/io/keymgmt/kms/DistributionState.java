package io.keymgmt.kms;

/**
 * Where a distribution stands. Each multi-step operation records its state before it touches Azure,
 * so a crash leaves a state from which the same request (or the reconciler) resumes.
 */
public enum DistributionState {
    /** Created here; versions are being imported into the vault for the first time. */
    DISTRIBUTING,
    /** In the vault. Individual versions may still lag (see {@link Distribution#missingVersions}). */
    ACTIVE,
    /** Being removed from the vault; it disappears here once Azure has deleted it. */
    REMOVING
}
