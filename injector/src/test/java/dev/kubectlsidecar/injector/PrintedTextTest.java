package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.text.PrintedText;
import org.junit.jupiter.api.Test;

class PrintedTextTest {
    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertThat(PrintedText.escape("a\u001b]8;;http://x\u0007b\nc\td\re\u007f\u009b\u0085")).isEqualTo(
                "a\\x1b]8;;http://x\\x07b\\nc\\td\\re\\x7f\\u009b\\u0085");
    }

    @Test
    void bidiOverridesAndLineSeparatorsAreEscapedToo() {
        assertThat(PrintedText.escape("x\u202ey\u2066z\u2028")).isEqualTo("x\\u202ey\\u2066z\\u2028");
    }

    @Test
    void ordinaryTextIsReturnedAsIs() {
        String text = "deployment/web injected: ünïcödé, 日本語, ✔ ‼ ✘ …";
        assertThat(PrintedText.escape(text)).isSameAs(text);
        assertThat(PrintedText.escape(null)).isNull();
    }
}
