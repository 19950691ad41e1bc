package dev.keycast.cli;

import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Makes every option settable by environment: {@code --foo-bar} defaults to {@code KEYCAST_FOO_BAR}
 * when that variable is set. Options whose default already names a variable ({@code
 * ${env:KEYCAST_DB_URL}}, …) keep that documented name only; help and version flags are never taken
 * from the environment. Command-line values always win.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  private final Function<String, @Nullable String> env;

  EnvironmentDefaults(Function<String, @Nullable String> env) {
    this.env = env;
  }

  static String variableFor(OptionSpec option) {
    String name = option.longestName().replaceFirst("^-+", "");
    return "KEYCAST_" + name.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public @Nullable String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String annotated = option.defaultValue();
    if (annotated != null && annotated.contains("${env:")) {
      return null; // documented variable, resolved by picocli from the annotation
    }
    String value = env.apply(variableFor(option));
    return value == null || value.isEmpty() ? null : value;
  }
}
