package io.keymgmt.byok.tool;

import io.keymgmt.byok.KeyExchangeKey;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.secrets.SecretBytes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;

/**
 * The offline BYOK tool, for keys that must not touch a networked machine: wraps an RSA private key for
 * a Key Vault KEK and writes the .byok file that {@code az keyvault key import --byok-file} sends.
 * Runs on a bare JDK ({@code java -jar keymgmt-shared.jar ...}); it and the code it calls use JDK
 * classes only.
 *
 * <p>Exit status: 0 done (or {@code --help}), 2 the command line is wrong (unknown, missing or repeated
 * option, malformed kid), 1 anything else (a file missing or unreadable, a key of the wrong kind or
 * size, the output already there). Every failure is one line on stderr.
 */
public final class ByokFileTool {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String GENERATOR = "keymgmt byok-file-tool 1.0; software key, wrapped with JDK JCA (no source HSM)";

    private static final String NAME = "byok-file-tool";

    static final String USAGE_TEXT = String.join("\n",
            "Usage: java -jar keymgmt-shared.jar --kek KEK.pem --kid KEK_ID --key KEY --out FILE.byok [--force]",
            "",
            "Wraps an RSA private key, offline, for import into an HSM-backed Azure Key Vault (BYOK).",
            "  --kek FILE   the key exchange key's public key as PEM (BEGIN PUBLIC KEY), as written by",
            "               az keyvault key download --vault-name V --name KEK --file KEK.pem",
            "  --kid ID     the key exchange key's versioned id:",
            "               https://<vault>.vault.azure.net/keys/<name>/<32 hex version>",
            "  --key FILE   the RSA private key to import (2048, 3072 or 4096 bits): unencrypted PKCS#8,",
            "               DER or PEM (BEGIN PRIVATE KEY). Convert other forms with:",
            "               openssl pkcs8 -topk8 -nocrypt -in in.pem -out out.pem",
            "  --out FILE   the .byok file to write; an existing file is kept unless --force",
            "  --force      replace an existing --out file",
            "  --help       print this help",
            "Then: az keyvault key import --vault-name V --name NAME --byok-file FILE.byok",
            "Exit status: 0 success, 1 failure, 2 usage error.",
            "");

    private ByokFileTool() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs the tool in-process; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            ToolOptions options = ToolOptions.parse(args);
            if (options.help) {
                out.print(USAGE_TEXT);
                return OK;
            }
            ToolFiles.checkWritable(options.outFile, options.force);
            KeyExchangeKey kek = readKek(options);
            byte[] json;
            try (SecretBytes target = TargetKeyFile.pkcs8(ToolFiles.read(options.keyFile, "--key"))) {
                json = KeyTransferBlob.wrap(kek, target, GENERATOR).toJson();
            }
            ToolFiles.writeAtomically(options.outFile, json, options.force);
            out.println("wrote " + options.outFile + " (for key exchange key " + kek.kid() + ")");
            return OK;
        } catch (ToolOptions.UsageException e) {
            err.println(NAME + ": " + oneLine(e.getMessage()) + " (see --help)");
            return USAGE;
        } catch (ToolFailure | IllegalArgumentException e) {
            err.println(NAME + ": " + oneLine(e.getMessage()));
            return FAILED;
        } catch (RuntimeException e) {
            err.println(NAME + ": unexpected failure: " + oneLine(e.toString()));
            return FAILED;
        }
    }

    private static KeyExchangeKey readKek(ToolOptions options) throws ToolFailure {
        String pem = new String(ToolFiles.read(options.kekFile, "--kek"), StandardCharsets.UTF_8);
        PublicKey publicKey;
        try {
            publicKey = PublicKeyPem.parse(pem);
        } catch (IllegalArgumentException e) {
            throw new ToolFailure("--kek " + options.kekFile + ": " + e.getMessage());
        }
        try {
            return KeyExchangeKey.of(options.kid, publicKey);
        } catch (IllegalArgumentException e) {
            throw new ToolFailure("--kek " + options.kekFile + ": " + e.getMessage());
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("[\\r\\n]+", " ");
    }
}
