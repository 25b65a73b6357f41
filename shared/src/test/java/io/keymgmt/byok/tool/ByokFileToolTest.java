package io.keymgmt.byok.tool;

import static io.keymgmt.byok.TestJson.asObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.byok.IndependentUnwrap;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.byok.TestJson;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.OpenSsl;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.keys.TestRsaKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline tool run in-process: what it writes, and one stderr line plus the right exit code for each bad input. */
class ByokFileToolTest {

    static final String KID = "https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private Path kek2048;
    private Path keyDer4096;
    private Path out;

    /** What one run printed and returned. */
    static final class Result {
        final int status;
        final String out;
        final String err;

        Result(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = ByokFileTool.run(args, o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void files() throws IOException {
        kek2048 = Files.writeString(dir.resolve("kek.pem"), PublicKeyPem.encode(TestRsaKeys.kek(KeyType.RSA_2048).getPublic()));
        keyDer4096 = Files.write(dir.resolve("key.der"), TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_4096));
        out = dir.resolve("key.byok");
    }

    private String[] args(Path kek, Path key, Path output, String... more) {
        List<String> all = new ArrayList<>(List.of("--kek", kek.toString(), "--kid", KID, "--key", key.toString(),
                "--out", output.toString()));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** Checks the written file is a blob for KID that BouncyCastle unwraps to the target's exact PKCS#8. */
    static void assertBlobFor(Path file, KeyType kekType, KeyType targetType) throws Exception {
        byte[] json = Files.readAllBytes(file);
        KeyTransferBlob blob = KeyTransferBlob.parse(json);
        assertEquals(KID, blob.kid());
        assertEquals(ByokFileTool.GENERATOR, blob.generator());
        Map<String, Object> header = asObject(TestJson.parseObject(json).get("header"));
        assertEquals("CKM_RSA_AES_KEY_WRAP", header.get("enc"));
        assertArrayEquals(TestRsaKeys.targetPkcs8Bytes(targetType),
                IndependentUnwrap.unwrap(TestRsaKeys.kekPrivate(kekType), blob.ciphertext()));
    }

    private void assertSucceeded(Result result) {
        assertEquals(ByokFileTool.OK, result.status, result.err);
        assertEquals("", result.err);
        assertEquals("wrote " + out + " (for key exchange key " + KID + ")\n", result.out);
    }

    @Test
    void wrapsADerKeyIntoAByokFile() throws Exception {
        Path kek3072 = Files.writeString(dir.resolve("kek3072.pem"),
                PublicKeyPem.encode(TestRsaKeys.kek(KeyType.RSA_3072).getPublic()));
        assertSucceeded(run(args(kek3072, keyDer4096, out)));
        assertBlobFor(out, KeyType.RSA_3072, KeyType.RSA_4096);
        assertEquals(List.of("kek.pem", "kek3072.pem", "key.byok", "key.der"), listing(), "no temporary file is left");
    }

    @Test
    void wrapsAnOpensslPemKeyGivenWithEqualsSyntax() throws Exception {
        Path der = Files.write(dir.resolve("k2048.der"), TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048));
        Path pem = dir.resolve("k2048.pem");
        OpenSsl.run(dir, "pkey", "-inform", "DER", "-in", der.toString(), "-out", pem.toString());
        assertTrue(Files.readString(pem).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertSucceeded(run("--kek=" + kek2048, "--kid=" + KID, "--key=" + pem, "--out=" + out));
        assertBlobFor(out, KeyType.RSA_2048, KeyType.RSA_2048);
    }

    @Test
    void readsAPemKeyWithCrlfAndOpensslBagAttributesBeforeIt() throws Exception {
        String pem = "Bag Attributes\n    localKeyID: 01 02 03\nKey Attributes: <No Attributes>\n"
                + "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_3072))
                + "\n-----END PRIVATE KEY-----\n";
        Path key = Files.writeString(dir.resolve("from-p12.pem"), pem.replace("\n", "\r\n"));
        assertSucceeded(run(args(kek2048, key, out)));
        assertBlobFor(out, KeyType.RSA_2048, KeyType.RSA_3072);
    }

    @Test
    void keepsAnExistingOutputUnlessForced() throws Exception {
        Files.writeString(out, "previous");
        Result refused = run(args(kek2048, keyDer4096, out));
        assertFailure(refused, ByokFileTool.FAILED, "--out file " + out + " already exists; pass --force to replace it");
        assertEquals("previous", Files.readString(out));

        assertSucceeded(run(args(kek2048, keyDer4096, out, "--force")));
        assertBlobFor(out, KeyType.RSA_2048, KeyType.RSA_4096);
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        Result help = run("--help");
        assertEquals(ByokFileTool.OK, help.status);
        assertEquals("", help.err);
        assertTrue(help.out.startsWith("Usage: java -jar keymgmt-shared.jar --kek KEK.pem --kid KEK_ID --key KEY"), help.out);
        assertTrue(help.out.contains("az keyvault key import --vault-name V --name NAME --byok-file FILE.byok"));
        assertEquals(help.out, run("--kek", "x", "--help").out, "help wins over other arguments");
    }

    @Test
    void usageErrorsExitWithTwo() {
        String accepted = "accepted options are --kek, --kid, --key, --out, --force, --help (see --help)";
        assertUsage(run(), "missing option --kek (see --help)");
        assertUsage(run("--kek", "a", "--kid", KID, "--key", "b"), "missing option --out (see --help)");
        assertUsage(run("--kek", "a", "--kid", KID, "--out", "c"), "missing option --key (see --help)");
        assertUsage(run("--kek", "a", "--key", "b", "--out", "c"), "missing option --kid (see --help)");
        assertUsage(run(args(kek2048, keyDer4096, out, "--verbose")), "unknown option --verbose; " + accepted);
        assertUsage(run(args(kek2048, keyDer4096, out, "-kek")), "unknown option -kek; " + accepted);
        assertUsage(run(args(kek2048, keyDer4096, out, "extra.pem")), "unexpected argument \"extra.pem\"; " + accepted);
        assertUsage(run("--kid", KID, "--key", "b", "--out", "c", "--kek"), "option --kek needs a value (see --help)");
        assertUsage(run("--kek", "--kid", KID), "option --kek needs a value (see --help)");
        assertUsage(run("--kek=", "--kid", KID), "option --kek needs a non-empty value (see --help)");
        assertUsage(run(args(kek2048, keyDer4096, out, "--force=yes")), "option --force takes no value (see --help)");
        assertUsage(run(args(kek2048, keyDer4096, out, "--kek", "again.pem")), "option --kek is given more than once (see --help)");
        Result unversioned = run("--kek", kek2048.toString(), "--kid", "https://myvault.vault.azure.net/keys/kek",
                "--key", keyDer4096.toString(), "--out", out.toString());
        assertUsage(unversioned, "--kid: key exchange key id \"https://myvault.vault.azure.net/keys/kek\" has no version;");
        Result upper = run("--kek", kek2048.toString(), "--kid", KID.toUpperCase(java.util.Locale.ROOT),
                "--key", keyDer4096.toString(), "--out", out.toString());
        assertUsage(upper, "--kid: key exchange key id");
        assertFalse(Files.exists(out));
    }

    @Test
    void missingAndWrongFilesFailWithOne() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertFailure(run(args(missing, keyDer4096, out)), 1, "--kek file " + missing + " does not exist");
        assertFailure(run(args(kek2048, missing, out)), 1, "--key file " + missing + " does not exist");
        assertFailure(run(args(dir, keyDer4096, out)), 1, "--kek " + dir + " is a directory, not a file");
        assertFailure(run(args(kek2048, keyDer4096, dir.resolve("no-such-dir").resolve("k.byok"))), 1,
                "--out directory " + dir.resolve("no-such-dir") + " does not exist");
        assertFailure(run(args(kek2048, keyDer4096, dir)), 1, "--out " + dir + " is a directory");
        assertFailure(run(args(keyDer4096, keyDer4096, out)), 1,
                "--kek " + keyDer4096 + ": the text is not PEM: no -----BEGIN PUBLIC KEY----- line was found");
    }

    @Test
    void keksOfTheWrongKindOrSizeFailWithOne() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        Path kek1024 = Files.writeString(dir.resolve("kek1024.pem"), PublicKeyPem.encode(rsa.generateKeyPair().getPublic()));
        assertFailure(run(args(kek1024, keyDer4096, out)), 1, "--kek " + kek1024 + ": the key exchange key has a 1024-bit"
                + " modulus; Azure Key Vault key exchange keys are RSA of 2048, 3072 or 4096 bits");
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        Path kekEc = Files.writeString(dir.resolve("kek-ec.pem"), PublicKeyPem.encode(ec.generateKeyPair().getPublic()));
        assertFailure(run(args(kekEc, keyDer4096, out)), 1, "--kek " + kekEc + ": the key exchange key is EC, not RSA (rsaEncryption)");
    }

    @Test
    void targetsOfTheWrongKindSizeOrFormFailWithOneAndAHint() throws Exception {
        Path rsa1024 = dir.resolve("rsa1024.pem");
        OpenSsl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa1024.toString());
        assertFailure(run(args(kek2048, rsa1024, out)), 1, "the target key cannot be imported into Azure Key Vault:"
                + " the RSA key has a 1024-bit modulus; accepted sizes are 2048, 3072 or 4096 bits");

        Path ec = dir.resolve("ec.pem");
        OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec.toString());
        assertFailure(run(args(kek2048, ec, out)), 1, "the target key cannot be imported into Azure Key Vault:"
                + " the private key is EC (OID 1.2.840.10045.2.1), not RSA");

        String hint = "openssl pkcs8 -topk8 -nocrypt -in in.pem -out out.pem";
        Path pkcs1 = dir.resolve("pkcs1.pem");
        OpenSsl.run(dir, "rsa", "-inform", "DER", "-in", keyDer4096.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertFailure(run(args(kek2048, pkcs1, out)), 1, "--key file is a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY);"
                + " PKCS#8 is required; convert it with: " + hint);

        Path pkcs1Der = dir.resolve("pkcs1.der");
        OpenSsl.run(dir, "rsa", "-in", pkcs1.toString(), "-traditional", "-outform", "DER", "-out", pkcs1Der.toString());
        assertFailure(run(args(kek2048, pkcs1Der, out)), 1, "the target key cannot be imported into Azure Key Vault:"
                + " the private key is PKCS#1 (RSAPrivateKey), not PKCS#8;"
                + " convert it with: " + hint);

        Path encrypted = dir.resolve("encrypted.pem");
        OpenSsl.run(dir, "pkcs8", "-topk8", "-inform", "DER", "-in", keyDer4096.toString(), "-v2", "aes-256-cbc",
                "-passout", "pass:secret", "-out", encrypted.toString());
        assertFailure(run(args(kek2048, encrypted, out)), 1, "--key file is an encrypted PKCS#8 key; an unencrypted one"
                + " is required; decrypt it with: " + hint);

        Path legacyEncrypted = dir.resolve("legacy.pem");
        OpenSsl.run(dir, "rsa", "-in", pkcs1.toString(), "-traditional", "-aes256", "-passout", "pass:secret",
                "-out", legacyEncrypted.toString());
        assertFailure(run(args(kek2048, legacyEncrypted, out)), 1, "--key file is a PKCS#1 RSA key");

        assertFailure(run(args(kek2048, kek2048, out)), 1, "--key file holds a public key; --key takes the private key");
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a key");
        assertFailure(run(args(kek2048, text, out)), 1, "--key file is neither PEM (BEGIN PRIVATE KEY) nor DER");
        Path twoKeys = Files.writeString(dir.resolve("two.pem"), Files.readString(rsa1024) + Files.readString(rsa1024));
        assertFailure(run(args(kek2048, twoKeys, out)), 1, "--key file holds more than one PEM block");
        Path broken = Files.writeString(dir.resolve("broken.pem"), "-----BEGIN PRIVATE KEY-----\nMII*\n-----END PRIVATE KEY-----\n");
        assertFailure(run(args(kek2048, broken, out)), 1, "--key PEM block is not valid base64");
        Path unterminated = Files.writeString(dir.resolve("open.pem"), "-----BEGIN PRIVATE KEY-----\nMIIB\n");
        assertFailure(run(args(kek2048, unterminated, out)), 1, "--key PEM block has no -----END PRIVATE KEY----- line");

        // No failure message may carry key material.
        String body = Files.readString(pkcs1).lines().skip(1).findFirst().orElseThrow();
        for (Path bad : List.of(pkcs1, encrypted, legacyEncrypted, rsa1024)) {
            Result result = run(args(kek2048, bad, out));
            assertFalse(result.err.contains(body.substring(0, 16)));
        }
    }

    private void assertUsage(Result result, String messageStart) {
        assertFailure(result, ByokFileTool.USAGE, messageStart);
    }

    /** Exit status, exactly one stderr line starting with the message, nothing on stdout, no output file made. */
    private void assertFailure(Result result, int status, String messageStart) {
        assertEquals(status, result.status, result.err);
        assertEquals("", result.out);
        assertTrue(result.err.endsWith("\n") && result.err.indexOf('\n') == result.err.length() - 1,
                "exactly one line: " + result.err);
        assertTrue(result.err.startsWith("byok-file-tool: " + messageStart), result.err);
        assertTrue(!Files.exists(out) || !listing().stream().anyMatch(name -> name.endsWith(".tmp")));
    }

    private List<String> listing() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
