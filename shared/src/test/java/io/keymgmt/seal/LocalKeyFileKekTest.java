package io.keymgmt.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.secrets.SecretBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyFileKekTest {

    @TempDir
    Path dir;

    @Test
    void firstUseCreatesAnOwnerOnlyFileOf32RandomBytes() throws IOException {
        requirePosix();
        Path file = dir.resolve("keys").resolve("kek.key");
        try (LocalKeyFileKek kek = LocalKeyFileKek.openOrCreate(file)) {
            assertEquals(file, kek.keyFile());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            byte[] key = Files.readAllBytes(file);
            assertEquals(32, key.length);
            assertNotEquals(HexFormat.of().formatHex(new byte[32]), HexFormat.of().formatHex(key));
        }
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void reopeningUsesTheSameKeyAndId() throws IOException {
        Path file = dir.resolve("kek.key");
        byte[] wrapped;
        String id;
        try (LocalKeyFileKek kek = LocalKeyFileKek.openOrCreate(file);
                SecretBytes dataKey = SecretBytes.copyOf(new byte[32])) {
            wrapped = kek.wrap(dataKey, new byte[] {1});
            id = kek.id();
        }
        byte[] before = Files.readAllBytes(file);
        try (LocalKeyFileKek again = LocalKeyFileKek.openOrCreate(file);
                SecretBytes unwrapped = again.unwrap(wrapped, new byte[] {1})) {
            assertEquals(id, again.id());
            assertArrayEquals(new byte[32], unwrapped.copyBytes());
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void theIdIsDerivedFromTheKey() throws Exception {
        Path file = dir.resolve("kek.key");
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        Files.write(file, key);
        restrictToOwner(file);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update("keymgmt local key-encryption key id\0".getBytes());
        String expected = "local:" + HexFormat.of().formatHex(sha256.digest(key), 0, 8);
        try (LocalKeyFileKek kek = LocalKeyFileKek.openOrCreate(file)) {
            assertEquals(expected, kek.id());
            assertTrue(kek.id().matches("local:[0-9a-f]{16}"), kek.id());
        }
    }

    @Test
    void aGroupOrWorldReadableFileIsRefused() throws IOException {
        requirePosix();
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
            Path file = dir.resolve("kek-" + mode + ".key");
            Files.write(file, new byte[32]);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            SealingException e = assertThrows(SealingException.class, () -> LocalKeyFileKek.openOrCreate(file), mode);
            assertTrue(e.getMessage().contains(mode) && e.getMessage().contains("chmod 600"), e.getMessage());
        }
    }

    @Test
    void aFileThatIsNot32BytesIsRefused() throws IOException {
        for (int size : new int[] {0, 31, 33, 64}) {
            Path file = dir.resolve("kek-" + size + ".key");
            Files.write(file, new byte[size]);
            restrictToOwner(file);
            SealingException e = assertThrows(SealingException.class, () -> LocalKeyFileKek.openOrCreate(file));
            assertTrue(e.getMessage().contains(size + " bytes") && e.getMessage().contains("exactly 32"), e.getMessage());
        }
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsRefused() throws IOException {
        Path file = Files.createDirectory(dir.resolve("kek.key"));
        SealingException e = assertThrows(SealingException.class, () -> LocalKeyFileKek.openOrCreate(file));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void threadsRacingFirstUseAllEndWithTheSameKey() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 25; round++) {
                Path file = dir.resolve("race-" + round + ".key");
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<String>> ids = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    ids.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try (LocalKeyFileKek kek = LocalKeyFileKek.openOrCreate(file, new SecureRandom())) {
                            return kek.id();
                        }
                    }));
                }
                Set<String> distinct = new HashSet<>();
                for (Future<String> id : ids) {
                    distinct.add(id.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, distinct.size(), "round " + round + " ended with keys " + distinct);
                try (LocalKeyFileKek after = LocalKeyFileKek.openOrCreate(file)) {
                    assertEquals(distinct.iterator().next(), after.id());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left behind");
        }
    }

    @Test
    void wrappingBindsTheAssociatedData() {
        try (LocalKeyFileKek kek = LocalKeyFileKek.openOrCreate(dir.resolve("kek.key"));
                SecretBytes dataKey = SecretBytes.random(32, new SecureRandom())) {
            byte[] wrapped = kek.wrap(dataKey, new byte[] {1, 2});
            assertEquals(12 + 32 + 16, wrapped.length);
            assertThrows(SealingException.class, () -> kek.unwrap(wrapped, new byte[] {2, 1}));
            assertThrows(SealingException.class, () -> kek.unwrap(new byte[27], new byte[] {1, 2}));
            try (SecretBytes back = kek.unwrap(wrapped, new byte[] {1, 2})) {
                assertTrue(back.contentEquals(dataKey));
            }
        }
    }

    private void requirePosix() {
        assertTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "this test checks POSIX permissions and needs a POSIX file system");
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
