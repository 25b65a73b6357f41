package io.keymgmt.keyvault;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Azure's answer into a {@link KeyVaultException} a user can act on. */
final class KeyVaultErrors {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Azure's 403 text: "... does not have keys import permission on key vault ...". */
    private static final Pattern PERMISSION = Pattern.compile("does not have keys (\\w+) permission");

    private KeyVaultErrors() {
    }

    static KeyVaultException translate(String vault, String operation, RuntimeException e) {
        if (e instanceof KeyVaultException already) {
            return already;
        }
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            return fromResponse(vault, operation, http);
        }
        if (e instanceof ClientAuthenticationException || isCredentialFailure(e)) {
            return new KeyVaultException(Reason.UNAUTHENTICATED, vault, operation,
                    "could not get a token for Key Vault " + vault + ": " + firstLine(e.getMessage()), null, null, e);
        }
        return new KeyVaultException(Reason.UNAVAILABLE, vault, operation,
                "Key Vault " + vault + " could not be reached for " + operation + ": " + describe(e), null, null, e);
    }

    private static KeyVaultException fromResponse(String vault, String operation, HttpResponseException e) {
        HttpResponse response = e.getResponse();
        int status = response.getStatusCode();
        String body = e.getMessage() == null ? "" : e.getMessage();
        String code = find(CODE, body);
        String azureMessage = find(MESSAGE, body);
        String permission = find(PERMISSION, body);
        Duration retryAfter = null;
        String retryHeader = response.getHeaderValue("Retry-After");
        if (retryHeader != null) {
            try {
                retryAfter = Duration.ofSeconds(Long.parseLong(retryHeader.trim()));
            } catch (NumberFormatException ignored) {
                // An HTTP date; the SDK's retry policy already honoured it.
            }
        }
        Reason reason = switch (status) {
            case 401 -> Reason.UNAUTHENTICATED;
            case 403 -> Reason.FORBIDDEN;
            case 404 -> Reason.NOT_FOUND;
            case 409 -> Reason.CONFLICT;
            case 429 -> Reason.THROTTLED;
            default -> status >= 500 ? Reason.UNAVAILABLE : Reason.REJECTED;
        };
        String message = "Key Vault " + vault + " answered " + status + (code == null ? "" : " " + code)
                + " to " + operation + (azureMessage == null ? "" : ": " + unescape(azureMessage));
        return new KeyVaultException(reason, vault, operation, message, permission, retryAfter, e);
    }

    private static boolean isCredentialFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String type = t.getClass().getName();
            if (type.startsWith("com.azure.identity.") || type.startsWith("com.microsoft.aad.msal4j.")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return firstLine(text);
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String unescape(String json) {
        return json.replace("\\\"", "\"").replace("\\/", "/").replace("\\\\", "\\");
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no details";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
