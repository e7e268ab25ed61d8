package dev.finetoon.spark;

import org.apache.spark.sql.SparkSession;

/** Spark in {@code local[2]}: one JVM, two task slots, no UI, as in CI. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession start(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  /** Stops the session (if started) and closes what the tests' executor opened. */
  static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
    ExecutorCache.closeAll();
  }
}
