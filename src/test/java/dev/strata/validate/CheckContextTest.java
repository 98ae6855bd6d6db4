package dev.strata.validate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class CheckContextTest {
    @Test
    void lowerCaseIsToLowerCaseInTheRootLocaleAndKeepsALowercaseStringAsItIs() {
        for (String s : List.of("", "4c0f3a9e1b2d4c5f8a7b6c5d4e3f2a1b", "4C0F3A9E1B2D4C5F8A7B6C5D4E3F2A1B", "dc-East-01",
                "Ärger", "İstanbul", "straße", "ǅ", "a\u00e9b", "@[`{")) {
            assertThat(CheckContext.lowerCase(s)).as(s).isEqualTo(s.toLowerCase(Locale.ROOT));
        }
        String lower = "4c0f3a9e1b2d4c5f8a7b6c5d4e3f2a1b";
        assertThat(CheckContext.lowerCase(lower)).isSameAs(lower);
    }
}
