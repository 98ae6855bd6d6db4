package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.LoadSettingsBuilder;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads one spec file into YAML documents, with marks kept. YAML 1.2 core schema; only the standard
 * scalar and collection tags; duplicate keys, bombs and oversized input are reported, never thrown.
 *
 * <p>A file is read without marks, which is most of what a large valid fleet costs to read; when
 * anything in it is wrong, it is read again with marks to report each problem at its position.
 */
public final class YamlReader {
    private final LoadLimits limits;

    public YamlReader(LoadLimits limits) {
        this.limits = limits;
    }

    /** Parses {@code bytes} of {@code file}; problems go to {@code diags} and yield no document. */
    public List<YamlDocument> read(String file, byte[] bytes, Diagnostics diags) {
        if (bytes.length > limits.maxFileBytes()) {
            diags.add(Check.YAML_LIMIT, Location.of(file), "",
                    "file is " + bytes.length + " bytes; spec files may be at most " + limits.maxFileBytes() + " bytes");
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        // Malformed input decodes to U+FFFD; only then is it worth decoding strictly to tell the two apart.
        if (text.indexOf('\uFFFD') >= 0 && !isUtf8(bytes)) {
            diags.add(Check.YAML_SYNTAX, Location.of(file), "", "file is not valid UTF-8", "Save the file as UTF-8.");
            return List.of();
        }
        List<EventConverter.Document> docs = new ArrayList<>();
        if (!readAll(file, text, null, docs)) {
            docs.clear();
            readAll(file, text, diags, docs);
        }
        MarkedSource source = new MarkedSource(text, () -> settings(file, true), index -> json(file, text, index));
        List<YamlDocument> out = new ArrayList<>(docs.size());
        for (EventConverter.Document d : docs) out.add(new YamlDocument(file, d.index(), d.json(), source));
        return out;
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Reads every document of {@code text} into {@code out}, leaving out those with a problem. With
     * {@code diags}, reads with marks and reports every problem there at its position.
     *
     * @return whether the whole file read cleanly
     */
    private boolean readAll(String file, String text, Diagnostics diags, List<EventConverter.Document> out) {
        LoadSettings settings = settings(file, diags != null);
        if (diags == null) {
            // Without marks, the reader takes the whole text in one window (up to a million characters,
            // 6 MB of buffers): with its default buffer of 1,024 characters it allocates a new window of
            // code points (the unread rest copied over) at every refill.
            settings = settingsBuilder(file, false).setBufferSize(Math.max(1024, Math.min(text.length() + 1, 1 << 20))).build();
        }
        try {
            return new EventConverter(file, limits, diags).readAll(new ParserImpl(settings, new StreamReader(settings, text)), out);
        } catch (MarkedYamlEngineException e) {
            if (diags != null) {
                Location at = e.getProblemMark().or(e::getContextMark).map(m -> at(file, m)).orElse(Location.of(file));
                String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
                // Name where the unclosed construct started, when the parser knows it: the error is often far from it.
                String started = e.getContextMark().filter(m -> e.getProblemMark().isPresent())
                        .map(m -> " started at " + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("");
                String context = e.getContext() == null || e.getContext().isEmpty() ? "" : e.getContext() + started + ": ";
                diags.add(Check.YAML_SYNTAX, at, "", context + problem);
            }
        } catch (ReaderException e) {
            // A character YAML does not allow (a control character, say): a syntax problem at that position.
            if (diags != null) {
                diags.add(Check.YAML_SYNTAX, at(file, text, e.getPosition()), "", String.format(Locale.ROOT,
                        "character U+%04X is not allowed in YAML", e.getCodePoint()),
                        "Remove the character or escape it in a double-quoted string.");
            }
        } catch (YamlEngineException e) {
            // The size limit comes without a mark.
            if (diags != null) diags.add(Check.YAML_LIMIT, Location.of(file), "", e.getMessage());
        }
        return false;
    }

    /** The JSON of document {@code index}, read again from the text. */
    private JsonNode json(String file, String text, int index) {
        List<EventConverter.Document> docs = new ArrayList<>();
        readAll(file, text, null, docs);
        Optional<EventConverter.Document> d = docs.stream().filter(x -> x.index() == index).findFirst();
        return d.orElseThrow(() -> new IllegalStateException(file + " has no document " + index + " any more")).json();
    }

    private LoadSettings settings(String file, boolean marks) {
        return settingsBuilder(file, marks).build();
    }

    private LoadSettingsBuilder settingsBuilder(String file, boolean marks) {
        return LoadSettings.builder()
                .setLabel(file)
                .setSchema(CoreScalars.SCHEMA)
                // For composing node trees to locate diagnostics in documents that read cleanly.
                .setAllowNonScalarKeys(true)
                .setMaxAliasesForCollections(limits.maxAliases())
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()))
                .setUseMarks(marks);
    }

    /** The line and column of the code point at {@code offset}, counting line breaks as YAML does. */
    private static Location at(String file, String text, int offset) {
        int line = 1, column = 1;
        for (int i = 0, cp = 0; i < text.length() && cp < offset; cp++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean lineBreak = c == '\n' || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'));
            line = lineBreak ? line + 1 : line;
            column = lineBreak ? 1 : column + 1;
        }
        return new Location(file, line, column);
    }

    private static Location at(String file, Mark m) {
        return new Location(file, m.getLine() + 1, m.getColumn() + 1);
    }
}
