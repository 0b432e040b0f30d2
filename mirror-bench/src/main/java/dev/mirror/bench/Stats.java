package dev.mirror.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Median, minimum and maximum of a figure over the rounds of a race.
 *
 * @param median the median (the mean of the two middle values for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param count how many values
 */
public record Stats(double median, double min, double max, int count) {

  /**
   * Summarizes the values; NaN values (a round that failed to measure the figure) are left out.
   *
   * @param values the values, one per round
   * @return the summary; all NaN with count 0 when there is no value
   */
  public static Stats of(List<Double> values) {
    Objects.requireNonNull(values, "values");
    double[] v = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue)
        .filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    return new Stats(median, v[0], v[n - 1], n);
  }

  /** Same as {@link #of(List)}. */
  public static Stats of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }

  /**
   * The nearest-rank percentile of sorted values: the smallest value with at least {@code q} of the values at
   * or below it.
   *
   * @param sorted values in ascending order, at least one
   * @param q the fraction, in (0, 1]
   * @return the percentile
   */
  public static double percentile(long[] sorted, double q) {
    if (sorted.length == 0 || !(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("need values and a fraction in (0, 1], got " + sorted.length
          + " values and " + q);
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * The median formatted with {@code pattern}, followed by {@code [min–max]} when there are several values, or
   * "–" when there is none.
   *
   * @param pattern a {@link String#format} pattern for one number, such as {@code %.1f}
   * @return the text for a table cell
   */
  public String format(String pattern) {
    if (!present()) {
      return "–";
    }
    String m = String.format(Locale.ROOT, pattern, median);
    return count == 1 ? m : m + " [" + String.format(Locale.ROOT, pattern, min) + "–"
        + String.format(Locale.ROOT, pattern, max) + "]";
  }

  /** True when at least one value was measured. */
  public boolean present() {
    return count > 0;
  }

  /**
   * The ratio of this median to the other's, NaN when either is missing or the other is 0.
   *
   * @param other the denominator
   * @return {@code median / other.median}
   */
  public double ratioTo(Stats other) {
    if (!present() || !other.present() || other.median == 0) {
      return Double.NaN;
    }
    return median / other.median;
  }
}
