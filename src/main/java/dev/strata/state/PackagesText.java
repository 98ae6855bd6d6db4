package dev.strata.state;

import dev.strata.plan.Packages;

import java.util.ArrayList;
import java.util.List;

/** A package list as stored: one "name TAB version TAB arch" line per package, in the list's order. */
final class PackagesText {
    private PackagesText() {
    }

    static String write(Packages p) {
        StringBuilder b = new StringBuilder();
        for (Packages.Package x : p.packages()) b.append(x.name()).append('\t').append(x.version()).append('\t').append(x.arch()).append('\n');
        return b.toString();
    }

    static Packages read(String format, String text) {
        List<Packages.Package> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 3) throw new StateStoreException("a stored package list has a malformed line: " + line);
            out.add(new Packages.Package(f[0], f[1], f[2]));
        }
        return new Packages(format, out);
    }
}
