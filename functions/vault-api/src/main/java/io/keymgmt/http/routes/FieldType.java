package io.keymgmt.http.routes;

import java.util.Optional;

/**
 * The types of Vault's framework fields that this API's parameters and read fields have, each with the
 * name {@code vault path-help} prints and the OpenAPI type Vault's document gives it (sdk/framework:
 * FieldType.String and convertType), so both describe a parameter as Vault would.
 */
public enum FieldType {
    STRING("string", "string", null, null),
    INT("int", "integer", null, null),
    BOOL("bool", "boolean", null, null),
    /** Vault's TypeKVPairs: an object of strings, or a list of "key=value" strings. */
    KV_PAIRS("keypair", "object", "kvpairs", null),
    /** Vault's TypeCommaStringSlice: a list of strings, or one comma-separated string. */
    COMMA_STRING_SLICE("slice", "array", null, "string"),
    /** An object keyed by arbitrary strings (version numbers here). */
    MAP("map", "object", "map", null),
    /** An RFC 3339 time, as Go prints a time.Time. */
    TIME("time", "string", "date-time", null),
    /** Vault's TypeDurationSecond: seconds as a number, or a duration string such as "720h" or "30d". */
    DURATION("duration (sec)", "string", "duration", null);

    private final String helpName;
    private final String openApiType;
    private final String openApiFormat;
    private final String openApiItems;

    FieldType(String helpName, String openApiType, String openApiFormat, String openApiItems) {
        this.helpName = helpName;
        this.openApiType = openApiType;
        this.openApiFormat = openApiFormat;
        this.openApiItems = openApiItems;
    }

    /** The type as Vault's path help shows it: "string", "int", "bool", "keypair", "slice"... */
    public String helpName() {
        return helpName;
    }

    public String openApiType() {
        return openApiType;
    }

    public Optional<String> openApiFormat() {
        return Optional.ofNullable(openApiFormat);
    }

    /** The items' type, for an array. */
    public Optional<String> openApiItems() {
        return Optional.ofNullable(openApiItems);
    }

    /** The type of an OpenAPI type name, as the catalog's first version named its parameters. */
    static FieldType ofOpenApiType(String type) {
        return switch (type) {
            case "string" -> STRING;
            case "integer" -> INT;
            case "boolean" -> BOOL;
            case "object" -> KV_PAIRS;
            case "array" -> COMMA_STRING_SLICE;
            default -> throw new IllegalArgumentException("no field type for the OpenAPI type \"" + type + "\"");
        };
    }
}
