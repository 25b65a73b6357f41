package io.keymgmt.byok.tool;

import io.keymgmt.keys.RsaPrivateKeys;
import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code --key} file's bytes as PKCS#8 DER: DER as it is, or the body of the file's one
 * {@code BEGIN PRIVATE KEY} PEM block (text before it, such as OpenSSL's "Bag Attributes", is ignored). Other PEM kinds are refused with the conversion to use. The
 * PEM is decoded from bytes, never a String, so every copy of the key can be wiped.
 */
final class TargetKeyFile {

    private static final byte[] BEGIN = ascii("-----BEGIN ");
    private static final byte[] END = ascii("-----END ");
    private static final String DASHES = "-----";

    private TargetKeyFile() {
    }

    /** Takes ownership of {@code content} and wipes it; returns the PKCS#8 bytes. */
    static SecretBytes pkcs8(byte[] content) throws ToolFailure {
        try {
            int begin = firstLineStartingWith(content, 0, BEGIN);
            if (begin >= 0) {
                return SecretBytes.adopt(pemBody(content, begin));
            }
            if (content.length > 0 && content[0] == 0x30) {
                return SecretBytes.copyOf(content);
            }
            throw new ToolFailure("--key file is neither PEM (BEGIN PRIVATE KEY) nor DER; an unencrypted PKCS#8 RSA"
                    + " private key is required");
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static byte[] pemBody(byte[] content, int start) throws ToolFailure {
        int beginEnd = lineEnd(content, start);
        String label = labelOf(content, start, beginEnd, BEGIN);
        refuseOtherLabels(label);
        byte[] base64 = new byte[content.length];
        int length = 0;
        int position = nextLine(content, beginEnd);
        int endLine = -1;
        while (position < content.length) {
            int stop = lineEnd(content, position);
            int first = skipWhitespace(content, position);
            if (first < stop && startsWith(content, first, END)) {
                if (!"PRIVATE KEY".equals(labelOf(content, first, stop, END))) {
                    throw new ToolFailure("--key PEM block BEGIN PRIVATE KEY does not end with -----END PRIVATE KEY-----");
                }
                endLine = stop;
                break;
            }
            for (int i = position; i < stop; i++) {
                byte b = content[i];
                if (b == ':') {
                    throw new ToolFailure("--key PEM block has headers, as legacy encrypted keys do; an unencrypted"
                            + " PKCS#8 key is required; convert it with: " + RsaPrivateKeys.PKCS8_CONVERSION_HINT);
                }
                if (b != ' ' && b != '\t' && b != '\r') {
                    base64[length++] = b;
                }
            }
            position = nextLine(content, stop);
        }
        try {
            if (endLine < 0) {
                throw new ToolFailure("--key PEM block has no -----END PRIVATE KEY----- line");
            }
            if (firstLineStartingWith(content, nextLine(content, endLine), BEGIN) >= 0) {
                throw new ToolFailure("--key file holds more than one PEM block; put only the private key in it");
            }
            byte[] exact = Arrays.copyOf(base64, length);
            try {
                return Base64.getDecoder().decode(exact);
            } catch (IllegalArgumentException e) {
                throw new ToolFailure("--key PEM block is not valid base64");
            } finally {
                Arrays.fill(exact, (byte) 0);
            }
        } finally {
            Arrays.fill(base64, (byte) 0);
        }
    }

    private static void refuseOtherLabels(String label) throws ToolFailure {
        switch (label) {
            case "PRIVATE KEY":
                return;
            case "RSA PRIVATE KEY":
                throw new ToolFailure("--key file is a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY); PKCS#8 is required;"
                        + " convert it with: " + RsaPrivateKeys.PKCS8_CONVERSION_HINT);
            case "ENCRYPTED PRIVATE KEY":
                throw new ToolFailure("--key file is an encrypted PKCS#8 key; an unencrypted one is required;"
                        + " decrypt it with: " + RsaPrivateKeys.PKCS8_CONVERSION_HINT);
            case "EC PRIVATE KEY":
                throw new ToolFailure("--key file is an EC key; Azure Key Vault BYOK through this tool takes RSA keys"
                        + " of 2048, 3072 or 4096 bits");
            case "PUBLIC KEY":
            case "RSA PUBLIC KEY":
            case "CERTIFICATE":
                throw new ToolFailure("--key file holds a " + label.toLowerCase(java.util.Locale.ROOT)
                        + "; --key takes the private key to import (BEGIN PRIVATE KEY)");
            default:
                throw new ToolFailure("--key file is a PEM \"" + label + "\" block; an unencrypted PKCS#8 private key"
                        + " (BEGIN PRIVATE KEY) is required");
        }
    }

    /** The label of a "-----BEGIN label-----" or "-----END label-----" line (never secret). */
    private static String labelOf(byte[] content, int start, int stop, byte[] prefix) throws ToolFailure {
        String line = new String(content, start, stop - start, StandardCharsets.US_ASCII).strip();
        if (!line.endsWith(DASHES) || line.length() < prefix.length + DASHES.length()) {
            throw new ToolFailure("--key file has a malformed PEM boundary line");
        }
        return line.substring(prefix.length, line.length() - DASHES.length());
    }

    /** Where the first line (from {@code from}) that starts with {@code prefix} after blanks begins, or -1. */
    private static int firstLineStartingWith(byte[] content, int from, byte[] prefix) {
        int position = from;
        while (position < content.length) {
            int stop = lineEnd(content, position);
            int first = skipWhitespace(content, position);
            if (first < stop && startsWith(content, first, prefix)) {
                return first;
            }
            position = nextLine(content, stop);
        }
        return -1;
    }

    private static int lineEnd(byte[] content, int from) {
        int i = from;
        while (i < content.length && content[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int nextLine(byte[] content, int lineEnd) {
        return Math.min(lineEnd + 1, content.length);
    }

    private static int skipWhitespace(byte[] content, int from) {
        int i = from;
        while (i < content.length && (content[i] == ' ' || content[i] == '\t' || content[i] == '\r' || content[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] content, int at, byte[] prefix) {
        if (at + prefix.length > content.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (content[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
