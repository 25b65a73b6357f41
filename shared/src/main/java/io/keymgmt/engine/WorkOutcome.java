package io.keymgmt.engine;

/** What one queued item of work came to. */
public record WorkOutcome(Result result, String detail) {

    public enum Result {
        /** An operation a workflow started ended as it should. */
        PERFORMED,
        /** An operation a workflow started ended with an error, recorded on it. */
        FAILED,
        /** A new version was added (and every distribution brought up to date). */
        ROTATED,
        /** A distribution was brought up to date. */
        SYNCED,
        /** Nothing was due any more, or its key or distribution is gone; distributions were still checked. */
        SKIPPED
    }
}
