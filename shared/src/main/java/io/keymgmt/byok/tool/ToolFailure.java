package io.keymgmt.byok.tool;

/** A failure that is not about the command line's form (a file, a key, the output); the tool exits with status 1. */
final class ToolFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ToolFailure(String message) {
        super(message);
    }
}
