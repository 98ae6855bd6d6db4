package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.diag.Diagnostic;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class YamlReaderTest {
    private static final String FILE = "groups/dc.yaml";

    private final Diagnostics diags = new Diagnostics();

    private List<YamlDocument> read(String yaml) {
        return read(yaml.getBytes(StandardCharsets.UTF_8), LoadLimits.DEFAULT);
    }

    private List<YamlDocument> read(byte[] bytes, LoadLimits limits) {
        return new YamlReader(limits).read(FILE, bytes, diags);
    }

    private Diagnostic onlyDiagnostic() {
        assertThat(diags.sorted()).hasSize(1);
        return diags.sorted().get(0);
    }

    private static Location at(int line, int column) {
        return new Location(FILE, line, column);
    }

    @Nested
    class Documents {
        @Test
        void everyDocumentOfAFileIsReadWithItsIndex() {
            List<YamlDocument> docs = read("""
                    kind: Fleet
                    ---
                    kind: Stream
                    ---
                    kind: Image
                    """);

            assertThat(docs).extracting(d -> d.json().path("kind").asText()).containsExactly("Fleet", "Stream", "Image");
            assertThat(docs).extracting(YamlDocument::index).containsExactly(0, 1, 2);
            assertThat(docs).allSatisfy(d -> assertThat(d.file()).isEqualTo(FILE));
            assertThat(diags.sorted()).isEmpty();
        }

        @Test
        void emptyDocumentsAreSkippedButKeepTheirPlaceInTheNumbering() {
            List<YamlDocument> docs = read("""
                    ---
                    a: 1
                    ---
                    ---
                    # only a comment
                    ---
                    b: 2
                    ...
                    """);

            assertThat(docs).extracting(YamlDocument::index).containsExactly(0, 3);
            assertThat(docs.get(1).json().path("b").asInt()).isEqualTo(2);
            assertThat(docs.get(1).start()).isEqualTo(at(7, 1));
        }

        @Test
        void anEmptyFileHasNoDocuments() {
            assertThat(read("")).isEmpty();
            assertThat(read("# nothing here\n")).isEmpty();
            assertThat(diags.sorted()).isEmpty();
        }

        @Test
        void documentsBeforeASyntaxErrorAreKeptAndCanBeLocated() {
            List<YamlDocument> docs = read("""
                    a: 1
                    ---
                    b: [1, 2
                    """);

            assertThat(docs).hasSize(1);
            assertThat(docs.get(0).valueAt(PropertyPath.of("a"))).isEqualTo(at(1, 4));
            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.syntax");
        }
    }

    @Nested
    class Marks {
        private static final String GROUP = """
                kind: MachineGroup
                spec:
                  rollout:
                    waves:
                      - {name: canary, machines: [dc-01]}
                      - name: early
                        percent: 30
                    maxUnavailable: 2
                """;

        @Test
        void valuesAreLocatedOneBasedByTheirPropertyPath() {
            YamlDocument doc = read(GROUP).get(0);

            assertThat(doc.valueAt(PropertyPath.of("spec", "rollout", "waves", 1, "percent"))).isEqualTo(at(7, 18));
            assertThat(doc.valueAt(PropertyPath.of("spec", "rollout", "waves", 0, "machines", 0))).isEqualTo(at(5, 35));
            assertThat(doc.valueAt(PropertyPath.of("spec", "rollout", "waves", 1))).isEqualTo(at(6, 9));
            assertThat(doc.valueAt(PropertyPath.ROOT)).isEqualTo(at(1, 1));
            assertThat(doc.start()).isEqualTo(at(1, 1));
        }

        @Test
        void keysAreLocatedWhereTheyAreWritten() {
            YamlDocument doc = read(GROUP).get(0);

            assertThat(doc.keyAt(PropertyPath.of("spec", "rollout", "waves", 1, "percent"))).isEqualTo(at(7, 9));
            assertThat(doc.keyAt(PropertyPath.of("spec", "rollout", "maxUnavailable"))).isEqualTo(at(8, 5));
        }

        @Test
        void anAbsentPathIsLocatedAtItsNearestExistingAncestor() {
            YamlDocument doc = read(GROUP).get(0);

            assertThat(doc.valueAt(PropertyPath.of("spec", "rollout", "waves", 1, "selector"))).isEqualTo(at(6, 9));
            assertThat(doc.valueAt(PropertyPath.of("spec", "rollout", "waves", 7, "name"))).isEqualTo(at(5, 7));
        }

        @Test
        void documentsLaterInAFileAreLocatedInTheWholeFile() {
            YamlDocument second = read("a: 1\n---\nlist:\n  - x\n  - y\n").get(1);

            assertThat(second.index()).isEqualTo(1);
            assertThat(second.valueAt(PropertyPath.of("list", 1))).isEqualTo(at(5, 5));
        }
    }

    @Nested
    class DuplicateKeys {
        @Test
        void areReportedAtTheSecondKeyNamingTheFirstLine() {
            List<YamlDocument> docs = read("""
                    metadata:
                      name: a
                      labels: {}
                      name: b
                    """);

            assertThat(docs).isEmpty();
            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.duplicate-key");
            assertThat(d.location()).isEqualTo(at(4, 3));
            assertThat(d.message()).contains("'name'").contains("line 2");
        }

        @Test
        void inAFlowMappingToo() {
            read("machines:\n  - {id: a, name: x, id: b}\n");

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.duplicate-key");
            assertThat(onlyDiagnostic().location()).isEqualTo(at(2, 22));
        }

        @Test
        void onlyTheDocumentWithTheDuplicateIsDropped() {
            List<YamlDocument> docs = read("a: 1\na: 2\n---\nb: 1\n");

            assertThat(docs).extracting(YamlDocument::index).containsExactly(1);
            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.duplicate-key");
        }
    }

    @Nested
    class Limits {
        /** A generous bound: these inputs are refused in milliseconds; the bound only stops a hang. */
        private static final Duration SAFETY_NET = Duration.ofSeconds(10);

        @Test
        void billionLaughsIsRefused() {
            StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
            for (char c = 'b'; c <= 'i'; c++) {
                char prev = (char) (c - 1);
                yaml.append(c).append(": &").append(c).append(" [").append(("*" + prev + ",").repeat(8)).append('*').append(prev).append("]\n");
            }

            long allocated = assertTimeoutPreemptively(SAFETY_NET, () -> allocatedBy(() -> read(yaml.toString())));

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.limit");
            assertThat(allocated).isLessThan(64L << 20);
        }

        @Test
        void aBombUnderTheAliasLimitIsRefusedWithoutExpandingIt() {
            // 16 levels of 3 aliases (48 aliases, under the limit of 50) expand to 3^16 = 43 million values.
            StringBuilder yaml = new StringBuilder("l0: &l0 [x, x, x]\n");
            for (int i = 1; i <= 16; i++) {
                yaml.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l")
                        .append(i - 1).append(", *l").append(i - 1).append("]\n");
            }

            long allocated = assertTimeoutPreemptively(SAFETY_NET, () -> allocatedBy(() -> read(yaml.toString())));

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.limit");
            assertThat(d.message()).contains("expands to more than");
            assertThat(allocated).isLessThan(64L << 20);
        }

        @Test
        void aRecursiveAliasIsRefused() {
            assertTimeoutPreemptively(SAFETY_NET, () -> read("a: &a [x, *a, *a, *a]\n"));

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.limit");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[", "{a: ", "- "})
        void absurdNestingIsRefusedWithoutAStackOverflow(String opener) {
            String yaml = opener.repeat(100_000);

            assertTimeoutPreemptively(SAFETY_NET, () -> read(yaml));

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.limit");
        }

        @Test
        void nestingDeeperThanTheLimitIsRefusedAtThePosition() {
            String yaml = "a: " + "[".repeat(100) + "]".repeat(100) + "\n";

            read(yaml);

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.limit");
            assertThat(d.message()).contains("nesting deeper than 64");
            assertThat(d.location().line()).isEqualTo(1);
        }

        @Test
        void aFileLargerThanTheLimitIsNotParsed() {
            byte[] big = ("a: " + "x".repeat(100) + "\n").repeat(90_000).getBytes(StandardCharsets.UTF_8);
            assertThat((long) big.length).isGreaterThan(LoadLimits.DEFAULT.maxFileBytes());

            assertThat(read(big, LoadLimits.DEFAULT)).isEmpty();

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.limit");
            assertThat(d.location()).isEqualTo(Location.of(FILE));
            assertThat(d.message()).contains(Long.toString(LoadLimits.DEFAULT.maxFileBytes()));
        }

        @Test
        void customLimitsApply() {
            LoadLimits small = new LoadLimits(64, 1, 3, 10);

            read("a: 12345678901234567890123456789012345678901234567890123456789012345\n".getBytes(StandardCharsets.UTF_8), small);
            read("a: {b: {c: {d: 1}}}\n".getBytes(StandardCharsets.UTF_8), small);
            read("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n".getBytes(StandardCharsets.UTF_8), small);
            read("a: &a [1]\nb: *a\nc: *a\n".getBytes(StandardCharsets.UTF_8), small);

            assertThat(diags.sorted()).extracting(Diagnostic::check).containsOnly("yaml.limit").hasSize(4);
            assertThat(diags.sorted()).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).contains("64 bytes"))
                    .anySatisfy(m -> assertThat(m).contains("nesting deeper than 3"))
                    .anySatisfy(m -> assertThat(m).contains("more than 10 values"));
        }

        private static long allocatedBy(Runnable work) {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            work.run();
            return threads.getCurrentThreadAllocatedBytes() - before;
        }
    }

    @Nested
    class Aliases {
        @Test
        void anAliasReadsAsACopyOfItsAnchor() {
            JsonNode json = read("base: &b {rack: r1}\nm1: *b\nm2: *b\nn: &n 5\nm: *n\n").get(0).json();

            assertThat(json.path("m2").path("rack").asText()).isEqualTo("r1");
            assertThat(json.path("m").intValue()).isEqualTo(5);
        }

        @Test
        void mergeKeysAddWhatTheMappingDoesNotSayItself() {
            JsonNode json = read("""
                    a: &a {rack: r1, zone: z1}
                    b: &b {zone: z2, site: s2}
                    one: {<<: *a, zone: z9}
                    both:
                      <<: [*a, *b]
                    """).get(0).json();

            assertThat(json.path("one").path("zone").asText()).isEqualTo("z9");
            assertThat(json.path("one").path("rack").asText()).isEqualTo("r1");
            assertThat(json.path("both").path("zone").asText()).as("the first merged mapping wins").isEqualTo("z1");
            assertThat(json.path("both").path("site").asText()).isEqualTo("s2");
            assertThat(json.path("both").has("<<")).isFalse();
        }

        @Test
        void onlyMappingsCanBeMerged() {
            read("a: &a 1\nc:\n  <<: *a\n");

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.syntax");
            assertThat(onlyDiagnostic().location()).isEqualTo(at(3, 7));
        }

        @Test
        void anUndefinedAliasIsASyntaxProblemAtTheAlias() {
            read("a: 1\nb: *nope\n");

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.syntax");
            assertThat(onlyDiagnostic().location()).isEqualTo(at(2, 4));
            assertThat(onlyDiagnostic().message()).isEqualTo("found undefined alias *nope");
        }

        @Test
        void aliasesToCollectionsAreLimitedPerDocumentAndReportedAtTheFirstTooMany() {
            StringBuilder yaml = new StringBuilder("base: &b [1]\n");
            for (int i = 0; i < 50; i++) yaml.append("k").append(i).append(": *b\n");
            assertThat(read(yaml + "---\n" + yaml)).hasSize(2);

            read(yaml + "one-more: *b\n");

            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.limit");
            assertThat(onlyDiagnostic().location()).isEqualTo(at(52, 11));
        }

        @Test
        void aLimitRefusesTheRestOfTheFile() {
            List<YamlDocument> docs = read("a: " + "[".repeat(70) + "]".repeat(70) + "\n---\nb: 1\n");

            assertThat(docs).isEmpty();
            assertThat(onlyDiagnostic().check()).isEqualTo("yaml.limit");
        }
    }

    @Nested
    class Tags {
        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
                "a: !foo bar           | tag !foo is not allowed",
                "a: !foo {b: 1}        | tag !foo is not allowed",
                "a: !!binary aGk=      | tag !!binary is not allowed",
                "a: !!timestamp 2001-12-14 | tag !!timestamp is not allowed",
                "a: !!set {x: null}    | tag !!set is not allowed",
                "a: !!int abc          | 'abc' is not a valid !!int value",
                "a: !!float xyz        | 'xyz' is not a valid !!float value",
                "a: !!bool maybe       | 'maybe' is not a valid !!bool value",
                "a: !!null foo         | 'foo' is not a valid !!null value",
                "a: !!map foo          | tag !!map does not fit a scalar",
                "a: !!str [1]          | tag !!str does not fit a sequence",
                "a: !!seq {b: 1}       | tag !!seq does not fit a mapping"})
        void onlyStandardTagsThatFitTheirValueAreAllowed(String yaml, String message) {
            assertThat(read(yaml + "\n")).isEmpty();

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.tag");
            assertThat(d.message()).isEqualTo(message);
            assertThat(d.location()).isEqualTo(at(1, 4));
        }

        @Test
        void standardTagsThatFitAreRead() {
            JsonNode json = read("a: !!str 0644\nb: !!int \"12\"\nc: !!float 1\nd: !!bool true\n").get(0).json();

            assertThat(json.path("a").isTextual()).isTrue();
            assertThat(json.path("a").asText()).isEqualTo("0644");
            assertThat(json.path("b").asInt()).isEqualTo(12);
            assertThat(json.path("c").isDouble()).isTrue();
            assertThat(json.path("d").asBoolean()).isTrue();
        }
    }

    @Nested
    class Syntax {
        @Test
        void invalidUtf8IsASyntaxProblem() {
            byte[] latin1 = "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);

            assertThat(read(latin1, LoadLimits.DEFAULT)).isEmpty();

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.syntax");
            assertThat(d.message()).contains("UTF-8");
        }

        @Test
        void aReplacementCharacterWrittenInTheFileIsNotTakenForBadUtf8() {
            List<YamlDocument> docs = read("note: \"\uFFFD marks a lost character\"\n".getBytes(StandardCharsets.UTF_8), LoadLimits.DEFAULT);

            assertThat(diags.sorted()).isEmpty();
            assertThat(docs.get(0).json().path("note").asText()).startsWith("\uFFFD");
        }

        @Test
        void aCharacterYamlForbidsIsASyntaxProblemAtItsPosition() {
            read("a: 1\r\nb: x\u0007y\n");

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.syntax");
            assertThat(d.location()).isEqualTo(at(2, 5));
            assertThat(d.message()).contains("U+0007");
        }

        @Test
        void aByteOrderMarkIsAllowed() {
            assertThat(read("\uFEFFa: 1\n")).hasSize(1);
            assertThat(diags.sorted()).isEmpty();
        }

        @Test
        void aBadIndentIsLocatedAtTheProblem() {
            read("spec:\n  image: a\n   delivery: bootc\n");

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.syntax");
            assertThat(d.location()).isEqualTo(at(3, 12));
            assertThat(d.message()).contains("mapping values are not allowed here");
        }

        @Test
        void anUnclosedFlowSequenceIsLocatedWhereItBreaks() {
            read("waves: [a, b\nrollout: {}\n");

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.syntax");
            assertThat(d.location().line()).isEqualTo(2);
            assertThat(d.message()).contains("flow sequence");
        }

        @Test
        void aComplexKeyIsRefusedAtTheKey() {
            read("a: 1\n? [x, y]\n: 2\n");

            Diagnostic d = onlyDiagnostic();
            assertThat(d.check()).isEqualTo("yaml.syntax");
            assertThat(d.location()).isEqualTo(at(2, 3));
            assertThat(d.message()).contains("keys must be plain strings");
        }
    }

    @Nested
    class CoreSchema {
        @Test
        void plainScalarsAreReadAsYaml12CoreSchemaValues() {
            JsonNode json = read("""
                    t: true
                    f: False
                    n: null
                    tilde: ~
                    empty:
                    int: 42
                    negative: -7
                    hex: 0x1F
                    octal: 0o17
                    big: 12345678901234567890
                    float: 1.5
                    exp: 1e3
                    inf: -.inf
                    mode: 0644
                    """).get(0).json();

            assertThat(json.path("t").isBoolean()).isTrue();
            assertThat(json.path("t").booleanValue()).isTrue();
            assertThat(json.path("f").booleanValue()).isFalse();
            assertThat(json.path("n").isNull()).isTrue();
            assertThat(json.path("tilde").isNull()).isTrue();
            assertThat(json.path("empty").isNull()).isTrue();
            assertThat(json.path("int").isInt()).isTrue();
            assertThat(json.path("int").intValue()).isEqualTo(42);
            assertThat(json.path("negative").intValue()).isEqualTo(-7);
            assertThat(json.path("hex").intValue()).isEqualTo(31);
            assertThat(json.path("octal").intValue()).isEqualTo(15);
            assertThat(json.path("big").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890"));
            assertThat(json.path("float").doubleValue()).isEqualTo(1.5);
            assertThat(json.path("exp").isDouble()).isTrue();
            assertThat(json.path("inf").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
            // YAML 1.2: a leading zero is decimal, not octal; schemas then ask for a quoted mode.
            assertThat(json.path("mode").isInt()).isTrue();
            assertThat(json.path("mode").intValue()).isEqualTo(644);
        }

        @Test
        void yaml11BooleansAndQuotedValuesStayStrings() {
            JsonNode json = read("""
                    yes: yes
                    off: off
                    quoted: "true"
                    single: '0644'
                    number: "42"
                    nul: 'null'
                    version: 43.20260413.3.2
                    env: ${HOME}
                    """).get(0).json();

            assertThat(json.path("yes").textValue()).isEqualTo("yes");
            assertThat(json.path("off").textValue()).isEqualTo("off");
            assertThat(json.path("quoted").textValue()).isEqualTo("true");
            assertThat(json.path("single").textValue()).isEqualTo("0644");
            assertThat(json.path("number").textValue()).isEqualTo("42");
            assertThat(json.path("nul").textValue()).isEqualTo("null");
            assertThat(json.path("version").textValue()).isEqualTo("43.20260413.3.2");
            // snakeyaml-engine reads this as an environment-variable tag; YAML 1.2 has no such thing.
            assertThat(json.path("env").textValue()).isEqualTo("${HOME}");
        }
    }
}
