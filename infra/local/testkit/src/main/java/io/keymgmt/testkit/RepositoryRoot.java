package io.keymgmt.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root, where infra/local/ lives, from a test running in any module. */
public final class RepositoryRoot {

    private RepositoryRoot() {
    }

    public static Path locate() {
        String configured = System.getProperty("testkit.repository-root");
        if (configured != null && !configured.isBlank() && isRoot(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        // Outside Maven (an IDE run) the working directory is some module below the root.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory holding mvnw and infra/local); "
                + "set -Dtestkit.repository-root=<path>");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("infra/local"));
    }
}
