package io.keymgmt.byok.tool;

import io.keymgmt.byok.KeyExchangeKey;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The tool's command line, checked for form: every required option once, nothing unknown, a versioned kid. */
final class ToolOptions {

    static final List<String> VALUE_OPTIONS = List.of("--kek", "--kid", "--key", "--out");
    static final List<String> FLAG_OPTIONS = List.of("--force", "--help");

    final Path kekFile;
    final String kid;
    final Path keyFile;
    final Path outFile;
    final boolean force;
    final boolean help;

    private ToolOptions(Path kekFile, String kid, Path keyFile, Path outFile, boolean force, boolean help) {
        this.kekFile = kekFile;
        this.kid = kid;
        this.keyFile = keyFile;
        this.outFile = outFile;
        this.force = force;
        this.help = help;
    }

    /** A command line that cannot be run as given; the tool exits with status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static ToolOptions parse(String[] args) throws UsageException {
        Map<String, String> values = new HashMap<>();
        boolean force = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals("--force")) {
                force = true;
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (FLAG_OPTIONS.contains(name)) {
                throw new UsageException("option " + name + " takes no value");
            }
            if (!VALUE_OPTIONS.contains(name)) {
                String what = arg.startsWith("-") ? "unknown option " + name : "unexpected argument \"" + arg + "\"";
                throw new UsageException(what + "; accepted options are " + String.join(", ", VALUE_OPTIONS) + ", "
                        + String.join(", ", FLAG_OPTIONS));
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option " + name + " needs a value");
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                throw new UsageException("option " + name + " needs a non-empty value");
            }
            if (values.put(name, value) != null) {
                throw new UsageException("option " + name + " is given more than once");
            }
        }
        if (help) {
            return new ToolOptions(null, null, null, null, force, true);
        }
        for (String required : VALUE_OPTIONS) {
            if (!values.containsKey(required)) {
                throw new UsageException("missing option " + required);
            }
        }
        String kid = values.get("--kid");
        try {
            KeyExchangeKey.requireVersionedKeyId(kid);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kid: " + e.getMessage());
        }
        return new ToolOptions(path(values, "--kek"), kid, path(values, "--key"), path(values, "--out"), force, false);
    }

    private static Path path(Map<String, String> values, String option) throws UsageException {
        try {
            return Paths.get(values.get(option));
        } catch (InvalidPathException e) {
            throw new UsageException("option " + option + " is not a valid file path: " + e.getMessage());
        }
    }
}
