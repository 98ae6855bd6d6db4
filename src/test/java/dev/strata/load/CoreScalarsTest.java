package dev.strata.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CoreScalarsTest {
    private final ScalarResolver fast = new CoreScalars();
    private final ScalarResolver reference = new CoreScalarResolver(true);

    @ParameterizedTest
    @CsvSource(quoteCharacter = '"', value = {
            "\"\", NULL", "~, NULL", "null, NULL", "Null, NULL", "NULL, NULL", "nULL, STR", "none, STR",
            "true, BOOL", "True, BOOL", "FALSE, BOOL", "tRUE, STR", "yes, STR", "off, STR",
            "0, INT", "-12, INT", "+7, INT", "0644, INT", "0o17, INT", "0o18, STR", "0x1F, INT", "0x, STR", "0X1F, STR",
            "1.5, FLOAT", "1., FLOAT", ".5, FLOAT", "., STR", "-.5e3, FLOAT", "1e3, FLOAT", "1e, STR", "1e+, STR",
            ".inf, FLOAT", "-.Inf, FLOAT", "+.INF, FLOAT", ".nan, FLOAT", "-.nan, STR", ".NaN, FLOAT",
            "1_000, STR", "43.20260413.3.2, STR", "4359eaf16cffaff978f740a2d0a48f13, STR", "<<, MERGE", "<, STR",
            "fra-000-m0001, STR", "${HOME}, STR"})
    void resolvesAsTheCoreSchema(String value, String tag) {
        assertThat(fast.resolve(value, true)).isEqualTo(tagNamed(tag));
    }

    @Test
    void quotedAndOtherNonPlainScalarsAreStrings() {
        assertThat(fast.resolve("true", false)).isEqualTo(Tag.STR);
        assertThat(fast.resolve("12", false)).isEqualTo(Tag.STR);
    }

    @Test
    void agreesWithSnakeyamlsCoreResolverOnRandomScalars() {
        String alphabet = "0123456789+-._eExXoOabcdfABCDFinfINFaNtTrRuUlLsS~<$ {}";
        Random random = new Random(7);
        for (int n = 0; n < 300_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(9);
            for (int i = 0; i < length; i++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String value = b.toString();
            Tag expected = reference.resolve(value, true);
            // YAML 1.2 has no environment-variable tag: ${NAME} is a plain string.
            if (expected.equals(Tag.ENV_TAG)) expected = Tag.STR;
            assertThat(fast.resolve(value, true)).as("'%s'", value).isEqualTo(expected);
        }
    }

    @Test
    void agreesOnTheWordsOfTheCoreSchema() {
        for (String word : new String[]{"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~",
                ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "${X}", "${X:-y}"}) {
            Tag expected = reference.resolve(word, true);
            assertThat(fast.resolve(word, true)).as(word).isEqualTo(expected.equals(Tag.ENV_TAG) ? Tag.STR : expected);
        }
    }

    private static Tag tagNamed(String name) {
        return switch (name) {
            case "NULL" -> Tag.NULL;
            case "BOOL" -> Tag.BOOL;
            case "INT" -> Tag.INT;
            case "FLOAT" -> Tag.FLOAT;
            case "MERGE" -> Tag.MERGE;
            default -> Tag.STR;
        };
    }
}
