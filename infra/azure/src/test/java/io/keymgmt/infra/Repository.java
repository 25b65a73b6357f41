package io.keymgmt.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository the templates and the code are in: the tests read both from the working tree. */
final class Repository {

    private Repository() {
    }

    static Path root() {
        String configured = System.getProperty("keymgmt.repository-root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent().getParent();
        if (!Files.isRegularFile(root.resolve("azure.yaml"))) {
            throw new IllegalStateException("no azure.yaml at the repository root " + root);
        }
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
