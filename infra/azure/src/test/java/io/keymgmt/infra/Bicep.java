package io.keymgmt.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Bicep file read as text, with just enough of the language understood to check it against the code:
 * declarations (param, var, output, module) and the object and array literals the checks look into.
 * There is no Bicep compiler on the machines this is built on, so this is what can be checked; what it
 * cannot see (types, expressions) is left to a real compile.
 */
final class Bicep {

    private static final Pattern PARAM = Pattern.compile("(?m)^param\\s+(\\w+)\\s+([^=\\n]+?)\\s*(=.*)?$");
    private static final Pattern OUTPUT = Pattern.compile("(?m)^output\\s+(\\w+)\\s");
    private static final Pattern MODULE = Pattern.compile("(?m)^module\\s+(\\w+)\\s+'([^']+)'\\s*=");
    private static final Pattern VAR = Pattern.compile("(?m)^var\\s+(\\w+)\\s*=\\s*");

    final Path file;
    final String text;

    private Bicep(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    static Bicep read(Path file) {
        try {
            return new Bicep(file, stripComments(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** main.bicep and every module, as deployed together. */
    static List<Bicep> all() {
        try (Stream<Path> files = Files.walk(Repository.path("infra"))) {
            return files.filter(f -> f.toString().endsWith(".bicep")).sorted().map(Bicep::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Bicep main() {
        return read(Repository.path("infra/main.bicep"));
    }

    static Bicep module(String name) {
        return read(Repository.path("infra/modules/" + name + ".bicep"));
    }

    String name() {
        return Repository.root().relativize(file).toString();
    }

    /** Declared parameters, with whether each must be given (no default, not nullable). */
    Map<String, Boolean> params() {
        Map<String, Boolean> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(text);
        while (m.find()) {
            boolean required = m.group(3) == null && !m.group(2).trim().endsWith("?");
            params.put(m.group(1), required);
        }
        return params;
    }

    List<String> outputs() {
        List<String> outputs = new ArrayList<>();
        Matcher m = OUTPUT.matcher(text);
        while (m.find()) {
            outputs.add(m.group(1));
        }
        return outputs;
    }

    /** The @allowed values written just above a parameter's declaration. */
    List<String> allowed(String param) {
        Matcher m = Pattern.compile("@allowed\\(\\[([^\\]]*)\\]\\)\\s*(?:@[^\\n]*\\n\\s*)*param\\s+" + param + "\\s")
                .matcher(text);
        if (!m.find()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        Matcher v = Pattern.compile("'([^']*)'|(\\d+)").matcher(m.group(1));
        while (v.find()) {
            values.add(v.group(1) != null ? v.group(1) : v.group(2));
        }
        return values;
    }

    record ModuleUse(String symbol, String path, String body) {
    }

    List<ModuleUse> modules() {
        List<ModuleUse> uses = new ArrayList<>();
        Matcher m = MODULE.matcher(text);
        while (m.find()) {
            int open = text.indexOf('{', m.end());
            uses.add(new ModuleUse(m.group(1), m.group(2), text.substring(open, closing(text, open) + 1)));
        }
        return uses;
    }

    /** The value of {@code var name = ...}, parsed. */
    Literal var(String name) {
        Matcher m = VAR.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return new Parser(text, m.end()).value();
            }
        }
        throw new AssertionError(name() + " declares no var " + name);
    }

    /** The object literal that follows {@code key:} inside the given text (the first occurrence). */
    static Optional<Literal> objectAfter(String text, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + ":\\s*\\{").matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Parser(text, m.end() - 1).value());
    }

    static int closing(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && (c == '{' || c == '[' || c == '(')) {
                depth++;
            } else if (!quoted && (c == '}' || c == ']' || c == ')')) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unbalanced brackets from offset " + open);
    }

    /** Line comments only; the templates use no block comments, and // inside strings ('https://') stays. */
    private static String stripComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (String line : source.split("\n", -1)) {
            boolean quoted = false;
            int cut = line.length();
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\'' && (i == 0 || line.charAt(i - 1) != '\\')) {
                    quoted = !quoted;
                } else if (!quoted && c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                    cut = i;
                    break;
                }
            }
            out.append(line, 0, cut).append('\n');
        }
        return out.toString();
    }

    /** A parsed value: an object, an array, a string literal, or any other expression kept as its text. */
    sealed interface Literal permits Obj, Arr, Str, Expr {
    }

    record Obj(Map<String, Literal> entries) implements Literal {
        Literal get(String key) {
            Literal value = entries.get(key);
            if (value == null) {
                throw new AssertionError("no " + key + " in " + entries.keySet());
            }
            return value;
        }

        String string(String key) {
            return ((Str) get(key)).value();
        }

        boolean bool(String key) {
            return Boolean.parseBoolean(((Expr) get(key)).text());
        }
    }

    record Arr(List<Literal> items) implements Literal {
    }

    record Str(String value) implements Literal {
    }

    record Expr(String text) implements Literal {
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s, int start) {
            this.s = s;
            this.i = start;
        }

        Literal value() {
            skipSpace(true);
            char c = s.charAt(i);
            if (c == '{') {
                return object();
            }
            if (c == '[' && !s.startsWith("for ", skipFrom(i + 1))) {
                return array();
            }
            int start = i;
            int end = expressionEnd();
            i = end;
            String raw = s.substring(start, end).trim();
            if (raw.length() >= 2 && raw.startsWith("'") && raw.endsWith("'") && raw.indexOf('\'', 1) == raw.length() - 1) {
                return new Str(raw.substring(1, raw.length() - 1));
            }
            return new Expr(raw);
        }

        private Obj object() {
            Map<String, Literal> entries = new LinkedHashMap<>();
            i++;
            while (true) {
                skipSeparators();
                if (s.charAt(i) == '}') {
                    i++;
                    return new Obj(entries);
                }
                String key;
                if (s.charAt(i) == '\'') {
                    int close = s.indexOf('\'', i + 1);
                    key = s.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int start = i;
                    while (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_') {
                        i++;
                    }
                    key = s.substring(start, i);
                }
                skipSpace(false);
                if (s.charAt(i) != ':') {
                    throw new IllegalStateException("expected ':' after " + key + " at " + i);
                }
                i++;
                entries.put(key, value());
            }
        }

        private Arr array() {
            List<Literal> items = new ArrayList<>();
            i++;
            while (true) {
                skipSeparators();
                if (s.charAt(i) == ']') {
                    i++;
                    return new Arr(items);
                }
                items.add(value());
            }
        }

        /** An expression ends at a newline, a comma or the enclosing bracket, outside strings and brackets. */
        private int expressionEnd() {
            int depth = 0;
            boolean quoted = false;
            for (int j = i; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '\'' && s.charAt(j - 1) != '\\') {
                    quoted = !quoted;
                } else if (!quoted) {
                    if (c == '{' || c == '[' || c == '(') {
                        depth++;
                    } else if (c == '}' || c == ']' || c == ')') {
                        if (depth == 0) {
                            return j;
                        }
                        depth--;
                    } else if (depth == 0 && (c == '\n' || c == ',')) {
                        return j;
                    }
                }
            }
            return s.length();
        }

        private void skipSeparators() {
            while (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',') {
                i++;
            }
        }

        private void skipSpace(boolean newlines) {
            while (s.charAt(i) == ' ' || s.charAt(i) == '\t' || (newlines && (s.charAt(i) == '\n' || s.charAt(i) == '\r'))) {
                i++;
            }
        }

        private int skipFrom(int j) {
            while (Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            return j;
        }
    }
}
