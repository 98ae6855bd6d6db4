package dev.strata.cli;

import dev.strata.build.BuildProgress;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.reconcile.Applier;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Shows the builds of a run as they go. With {@code lines} (strata build), each image gets a line when it
 * ends ({@code + image: reference (time; blobs and bytes pushed, base layers in place)} or {@code ! ...}),
 * and, when not on a terminal, one when it starts ({@code … image: building}); build notes go to the error
 * stream. On a terminal, a block below those lines shows every running image with its base layers and
 * the blobs and bytes pushed, redrawn in place at most ten times a second. It shows image names,
 * references and counts, which carry no credential. Thread-safe: builds report from their threads.
 */
final class BuildProgressView implements Applier.BuildListener, Consumer<BuildProgress> {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int MAX_ROWS = 12;
    private static final String WRAP_OFF = "\033[?7l";
    private static final String WRAP_ON = "\033[?7h";

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final Map<String, BuildProgress> running = new LinkedHashMap<>();
    private final Map<String, BuildProgress> lastSeen = new LinkedHashMap<>();
    private final boolean lines;
    private int total;
    private int built;
    private int failed;
    private int drawn;
    private long lastDraw = Long.MIN_VALUE;

    /**
     * @param terminal draw the live block (stdout is a terminal)
     * @param lines print a line per image (strata build; apply prints its own line per action)
     */
    BuildProgressView(PrintWriter out, PrintWriter err, boolean terminal, boolean lines, LongSupplier nanoTime) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.lines = lines;
        this.nanoTime = nanoTime;
    }

    /** {@code --progress}: a live block on a terminal ({@code auto}: when System.console() != null), or plain lines. */
    enum Mode { auto, plain, tty }

    static BuildProgressView of(Mode mode, PrintWriter out, PrintWriter err, boolean lines) {
        boolean terminal = mode == Mode.tty || (mode == Mode.auto && System.console() != null);
        return new BuildProgressView(out, err, terminal, lines, System::nanoTime);
    }

    synchronized void expect(int images) {
        total = images;
    }

    @Override
    public synchronized void started(Action.BuildImage a) {
        running.put(a.image(), BuildProgress.checking(a.image()));
        if (lines && !terminal) line(out, "… " + a.image() + ": building (" + a.reason() + ")");
        else redraw(true);
    }

    @Override
    public synchronized void built(Action.BuildImage a, Build b, Duration took) {
        running.remove(a.image());
        built++;
        if (lines) line(out, "+ " + a.image() + ": " + b.reference() + " (" + seconds(took) + moved(lastSeen.get(a.image())) + ")");
        else redraw(true);
    }

    @Override
    public synchronized void failed(Action.BuildImage a, String message, Duration took) {
        running.remove(a.image());
        failed++;
        if (lines) line(out, "! " + message.substring(2));
        else redraw(true);
    }

    /** A build note for the error stream (already pushed, base layers copied, a warning from jib). */
    synchronized void note(String text) {
        line(err, text);
    }

    /** A line of the command's own output, kept above the live block. */
    synchronized void say(String text) {
        line(out, text);
    }

    @Override
    public synchronized void accept(BuildProgress p) {
        lastSeen.put(p.image(), p);
        if (running.containsKey(p.image())) running.put(p.image(), p);
        redraw(false);
    }

    /** Clears the live block; the lines printed stay. */
    synchronized void finish() {
        clear();
        out.flush();
    }

    /** A permanent line: above the live block, which is drawn again below it. */
    private void line(PrintWriter to, String text) {
        clear();
        out.flush();
        to.println(text);
        to.flush();
        redraw(true);
    }

    private void clear() {
        if (terminal && drawn > 0) {
            out.print("\033[" + drawn + "F\033[J");
            drawn = 0;
        }
    }

    private void redraw(boolean now) {
        if (!terminal) return;
        long t = nanoTime.getAsLong();
        if (!now && lastDraw != Long.MIN_VALUE && t - lastDraw < REDRAW_NANOS) return;
        lastDraw = t;
        clear();
        if (running.isEmpty()) {
            out.flush();
            return;
        }
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "building %d image%s: %d built, %d failed%s", running.size(),
                running.size() == 1 ? "" : "s", built, failed, total > 0 ? ", " + (total - built - failed - running.size()) + " waiting" : ""));
        int width = running.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (BuildProgress p : running.values()) {
            if (rows.size() > MAX_ROWS) {
                rows.add("  … and " + (running.size() - MAX_ROWS) + " more");
                break;
            }
            rows.add("  " + pad(p.image(), width) + "  " + describe(p));
        }
        out.print(WRAP_OFF); // a long line is cut at the edge, not wrapped: the block's height stays known
        for (String r : rows) out.print(r + "\n");
        out.print(WRAP_ON);
        out.flush();
        drawn = rows.size();
    }

    /** One running image: its step, base layers in place, blobs and bytes pushed. */
    static String describe(BuildProgress p) {
        String base = p.baseLayersTotal() == 0 ? "" : "base " + p.baseLayers() + "/" + p.baseLayersTotal() + " layers"
                + (p.baseBytesCopied() > 0 ? " (" + bytes(p.baseBytesCopied()) + " copied)" : "");
        String blobs = "blobs " + p.blobs() + "/" + p.blobsTotal() + ", " + bytes(p.bytesPushed()) + " of " + bytes(p.bytesTotal());
        return switch (p.step()) {
            case CHECKING -> "checking the registry";
            case PLACING_BASE -> "placing " + base;
            case PUSHING -> (base.isEmpty() ? "" : base + " · ") + "pushing " + blobs;
        };
    }

    /** What moved for a build, for its result line: new blobs and bytes, and how the base layers got there. */
    static String moved(BuildProgress p) {
        if (p == null) return "";
        StringBuilder b = new StringBuilder();
        if (p.blobsTotal() > 0) b.append("; ").append(count(p.blobsTotal(), "blob")).append(", ").append(bytes(p.bytesTotal())).append(" pushed");
        if (p.baseLayersTotal() > 0) {
            b.append("; ").append(count(p.baseLayersTotal(), "base layer")).append(" in place");
            if (p.baseBytesCopied() > 0) b.append(", ").append(bytes(p.baseBytesCopied())).append(" copied");
        }
        return b.toString();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
