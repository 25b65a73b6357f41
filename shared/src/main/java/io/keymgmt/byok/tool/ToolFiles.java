package io.keymgmt.byok.tool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The tool's file access: small inputs read whole, the output written so no one sees half a blob. */
final class ToolFiles {

    /** Far above any PEM or DER key (an RSA-4096 PKCS#8 PEM is about 3.3 KB); guards against a wrong file. */
    static final long MAX_INPUT_BYTES = 1 << 20;

    private ToolFiles() {
    }

    static byte[] read(Path file, String option) throws ToolFailure {
        try {
            if (Files.isDirectory(file)) {
                throw new ToolFailure(option + " " + file + " is a directory, not a file");
            }
            long size = Files.size(file);
            if (size > MAX_INPUT_BYTES) {
                throw new ToolFailure(option + " " + file + " has " + size + " bytes; a key file is at most "
                        + MAX_INPUT_BYTES + " bytes, so this is not one");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ToolFailure(option + " file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new ToolFailure(option + " file " + file + " cannot be read (permission denied)");
        } catch (IOException e) {
            throw new ToolFailure(option + " file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Fails early, before any work, if {@code out} could not be written as asked. */
    static void checkWritable(Path out, boolean force) throws ToolFailure {
        Path target = out.toAbsolutePath();
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new ToolFailure("--out directory " + directory + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new ToolFailure("--out " + out + " is a directory; name the .byok file to write");
        }
        if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolFailure("--out file " + out + " already exists; pass --force to replace it");
        }
    }

    /**
     * Writes to a temporary file beside {@code out}, flushes it to disk, then renames it over
     * {@code out} in one step, so the .byok file is either absent (or the old one) or complete.
     * Without {@code force} the existence check and the rename are two steps: a file created in
     * between by someone else would be replaced.
     */
    static void writeAtomically(Path out, byte[] content, boolean force) throws ToolFailure {
        checkWritable(out, force);
        Path target = out.toAbsolutePath();
        Path temporary = null;
        try {
            temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            temporary = null;
        } catch (AtomicMoveNotSupportedException e) {
            throw new ToolFailure("--out " + out + " cannot be written atomically on this file system; write it to a"
                    + " local directory instead");
        } catch (IOException e) {
            throw new ToolFailure("--out file " + out + " cannot be written: " + e.getMessage());
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The temporary file holds only ciphertext; leaving it behind is untidy, not unsafe.
                }
            }
        }
    }
}
