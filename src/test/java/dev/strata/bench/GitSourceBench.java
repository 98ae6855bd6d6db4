package dev.strata.bench;

import dev.strata.source.GitSource;
import dev.strata.source.GitTree;
import dev.strata.source.SpecTree;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long a no-op run takes to read a large fleet from Git. Builds (once) a repository with 10,000
 * commits and 5,000 spec files, then times, each as a fresh GitSource like a new run: open + resolve
 * HEAD + list spec files + resolve and read every one; changedPaths(HEAD~1, HEAD); and the same run
 * through a file:// remote (cached clone, fetch that finds nothing new). A second, 10-commit repository
 * with the same files shows that the cost does not grow with history.
 *
 * <pre>scripts/bench-git [--dir bench-out/git] [--commits 10000] [--files 5000] [--runs 20] [--cold 5]</pre>
 */
public final class GitSourceBench {
    private GitSourceBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        if (opts.containsKey("once")) {
            System.out.println(noOpRun(opts.get("once"), GitSource.Options.defaults(), null));
            return;
        }
        Path dir = Path.of(opts.getOrDefault("dir", "bench-out/git")).toAbsolutePath();
        int commits = Integer.parseInt(opts.getOrDefault("commits", "10000"));
        int files = Integer.parseInt(opts.getOrDefault("files", "5000"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "20"));

        Path big = dir.resolve("c" + commits + "-f" + files + ".git");
        Path shallow = dir.resolve("c10-f" + files + ".git");
        generateIfAbsent(big, commits, files);
        generateIfAbsent(shallow, 10, files);

        System.out.printf("%nrepository: %,d commits, %,d spec files, pack %,d KiB (%s)%n", commits, files,
                sizeKiB(big.resolve("objects/pack")), big);
        List<Long> first = new ArrayList<>();
        Phases cold = noOpRun(big.toString(), GitSource.Options.defaults(), first);
        System.out.printf("first run in this JVM (class loading, JIT cold): %s%n", cold);

        int coldRuns = Integer.parseInt(opts.getOrDefault("cold", "5"));
        System.out.printf("%nno-op run in a fresh JVM each time, as the CLI runs (%d runs, classpath %s):%n", coldRuns,
                freshJvmClasspath().contains("strata.jar") ? "the shaded target/strata.jar" : "the Maven one, signed jars");
        for (int i = 0; i < coldRuns; i++) System.out.println("  " + freshJvm(big.toString()));

        System.out.printf("%nno-op run in a warm JVM (a long-running reconciler), %d runs each (min / median / max, ms):%n", runs);
        report("local, " + commits + " commits", runs, () -> noOpRun(big.toString(), GitSource.Options.defaults(), null));
        report("local, 10 commits", runs, () -> noOpRun(shallow.toString(), GitSource.Options.defaults(), null));

        Path cache = dir.resolve("cache");
        GitSource.Options remote = GitSource.Options.defaults().withCacheDir(cache);
        String url = big.toUri().toString();
        boolean cached = Files.isDirectory(cache);
        long t0 = System.nanoTime();
        try (GitSource s = GitSource.open(url, remote)) {
            s.head();
        }
        System.out.printf("  %-44s %7.1f%n", cached ? "file:// remote, first open in this JVM" : "file:// remote, clone into the cache", ms(t0));
        report("file:// remote, fetch finds nothing new", runs, () -> noOpRun(url, remote, null));
        report("file:// remote, offline (no fetch)", runs, () -> noOpRun(url, remote.withFetch(false), null));

        report("changedPaths(HEAD~1, HEAD), incl. open", runs, () -> {
            long s0 = System.nanoTime();
            try (GitSource s = GitSource.open(big.toString())) {
                List<String> changed = s.changedPaths(s.at("HEAD~1"), s.at("HEAD"));
                if (changed.size() != 1) throw new IllegalStateException("expected one changed path: " + changed);
            }
            return new Phases(0, 0, 0, 0, ms(s0));
        });
        System.out.println();
    }

    /** Milliseconds for each part of one run. */
    record Phases(double open, double head, double list, double read, double total) {
        @Override
        public String toString() {
            return String.format("open %.1f ms, resolve HEAD %.1f ms, list %.1f ms, resolve+read all %.1f ms, total %.1f ms",
                    open, head, list, read, total);
        }
    }

    interface Run {
        Phases run() throws Exception;
    }

    static Phases noOpRun(String repo, GitSource.Options options, List<Long> unused) throws Exception {
        long t0 = System.nanoTime();
        try (GitSource source = GitSource.open(repo, options)) {
            long t1 = System.nanoTime();
            GitTree tree = source.head();
            long t2 = System.nanoTime();
            List<String> specs = tree.listSpecFiles("");
            long t3 = System.nanoTime();
            long bytes = 0;
            for (String path : specs) {
                SpecTree.Resolved r = tree.resolve(path);
                if (r instanceof SpecTree.Resolved.File f) bytes += tree.read(f.path(), 1 << 20).length;
            }
            long t4 = System.nanoTime();
            if (bytes == 0) throw new IllegalStateException("read nothing");
            return new Phases((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t4 - t0) / 1e6);
        }
    }

    static void report(String what, int runs, Run run) throws Exception {
        double[] totals = new double[runs];
        Phases last = null;
        for (int i = 0; i < runs; i++) {
            last = run.run();
            totals[i] = last.total();
        }
        Arrays.sort(totals);
        System.out.printf("  %-44s %7.1f / %7.1f / %7.1f%n", what, totals[0], totals[runs / 2], totals[runs - 1]);
        if (last.open() > 0) System.out.printf("  %-44s %s%n", "", last);
    }

    /**
     * The CLI runs from the shaded jar, whose signature files are stripped: loading classes from the
     * signed JGit and BouncyCastle jars in ~/.m2 costs a fresh JVM several hundred ms more.
     */
    private static String freshJvmClasspath() {
        Path shaded = Path.of("target/strata.jar");
        Path tests = Path.of("target/test-classes");
        return Files.isRegularFile(shaded) && Files.isDirectory(tests)
                ? tests + java.io.File.pathSeparator + shaded : System.getProperty("java.class.path");
    }

    private static String freshJvm(String repo) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", freshJvmClasspath(),
                GitSourceBench.class.getName(), "--once", repo).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) throw new IllegalStateException("the measuring JVM failed: " + out);
        return out;
    }

    private static void generateIfAbsent(Path dir, int commits, int files) throws Exception {
        if (Files.isDirectory(dir)) return;
        long t0 = System.nanoTime();
        RepoGenerator.generate(dir, commits, files);
        System.out.printf("generated %s: %,d commits, %,d files in %.1f s%n", dir.getFileName(), commits, files, ms(t0) / 1000);
    }

    private static long sizeKiB(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1024;
        }
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static Map<String, String> parse(String[] args) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }
}
