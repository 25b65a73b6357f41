package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keymgmt.infra.Bicep.Arr;
import io.keymgmt.infra.Bicep.Expr;
import io.keymgmt.infra.Bicep.Obj;
import io.keymgmt.infra.Bicep.Str;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reading of Bicep the other checks rely on: if it misreads, they check the wrong thing. */
class BicepTest {

    @TempDir
    Path dir;

    @Test
    void readsDeclarationsAndLiteralsTheWayTheTemplatesWriteThem() throws IOException {
        Path file = dir.resolve("sample.bicep");
        Files.writeString(file, """
                // a comment with 'quotes' and a brace {
                @allowed(['a', 'b'])
                @description('Pick one.')
                param choice string = 'a'
                param needed string
                param optional string?
                var url = 'https://example.net/{not-a-brace}' // trailing comment
                var settings = {
                  PLAIN: 'x'
                  'quoted-key': cond ? 'y' : 'z'
                  nested: { inner: ['p', q] }
                  joined: join(map(list, v => '${v}'), ',')
                }
                module m './other.bicep' = [for x in xs: {
                  name: 'm-${x}'
                  params: {
                    one: 1
                    two: m2.outputs.value
                  }
                }]
                output done bool = true
                """);
        Bicep bicep = Bicep.read(file);
        assertEquals(Map.of("choice", false, "needed", true, "optional", false), bicep.params());
        assertEquals(List.of("a", "b"), bicep.allowed("choice"));
        assertEquals(List.of("done"), bicep.outputs());
        assertEquals(new Str("https://example.net/{not-a-brace}"), bicep.var("url"));
        Obj settings = (Obj) bicep.var("settings");
        assertEquals(List.of("PLAIN", "quoted-key", "nested", "joined"), List.copyOf(settings.entries().keySet()));
        assertEquals(new Expr("cond ? 'y' : 'z'"), settings.get("quoted-key"));
        assertEquals(new Arr(List.of(new Str("p"), new Expr("q"))), ((Obj) settings.get("nested")).get("inner"));
        assertEquals(new Expr("join(map(list, v => '${v}'), ',')"), settings.get("joined"));
        Bicep.ModuleUse use = bicep.modules().get(0);
        assertEquals("./other.bicep", use.path());
        assertEquals(List.of("one", "two"),
                List.copyOf(((Obj) Bicep.objectAfter(use.body(), "params").orElseThrow()).entries().keySet()));
    }
}
