package dev.strata.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The packages installed in a built image, as its package database lists them ({@code rpm} or
 * {@code dpkg}), sorted by name and architecture so two lists compare line by line.
 */
public record Packages(String format, List<Package> packages) {
    public Packages {
        if (!format.equals("rpm") && !format.equals("dpkg")) throw new IllegalArgumentException("unknown package format " + format);
        packages = packages.stream().sorted(Comparator.comparing(Package::key)).toList();
    }

    /** One installed package; {@code arch} is empty where the database has none. */
    public record Package(String name, String version, String arch) {
        public Package {
            if (name.isBlank() || name.contains("\t") || name.contains("\n") || version.contains("\t") || version.contains("\n")
                    || arch.contains("\t") || arch.contains("\n")) {
                throw new IllegalArgumentException("not a package name, version and architecture: " + name);
            }
        }

        /** name.arch, how rpm tells apart the same package for two architectures. */
        String key() {
            return arch.isEmpty() ? name : name + "." + arch;
        }

        @Override
        public String toString() {
            return key() + " " + version;
        }
    }

    /** What changed from {@code before} to {@code after}: packages added, removed, and given another version. */
    public static Delta delta(Packages before, Packages after) {
        Map<String, Package> was = byKey(before), now = byKey(after);
        List<Package> added = new ArrayList<>(), removed = new ArrayList<>();
        List<Upgrade> changed = new ArrayList<>();
        now.forEach((k, p) -> {
            Package old = was.get(k);
            if (old == null) added.add(p);
            else if (!old.version().equals(p.version())) changed.add(new Upgrade(p.name(), p.arch(), old.version(), p.version()));
        });
        was.forEach((k, p) -> {
            if (!now.containsKey(k)) removed.add(p);
        });
        return new Delta(added, removed, changed);
    }

    private static Map<String, Package> byKey(Packages p) {
        Map<String, Package> out = new TreeMap<>();
        p.packages().forEach(x -> out.put(x.key(), x));
        return out;
    }

    /** Packages added, removed and changed version; {@code changed} says old -> new (an upgrade, or a downgrade). */
    public record Delta(List<Package> added, List<Package> removed, List<Upgrade> changed) {
        public Delta {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
        }

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    public record Upgrade(String name, String arch, String from, String to) {
        @Override
        public String toString() {
            return (arch.isEmpty() ? name : name + "." + arch) + " " + from + " -> " + to;
        }
    }
}
